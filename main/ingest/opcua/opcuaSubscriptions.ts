/**
 * The monitored items of one session: split across subscriptions when the server limits
 * the items per subscription (MaxMonitoredItemsPerSubscription) and across calls when it
 * limits the items per call (MaxMonitoredItemsPerCall), grouped by sampling interval and
 * deadband (one CreateMonitoredItems call takes one set of parameters). node-opcua keeps
 * these subscriptions on a reconnection: it republishes on the same session, or recreates
 * them on a new one when the server lost the session (a restart).
 */
import {
  AttributeIds,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  TimestampsToReturn,
  VariableIds,
  type ClientSession,
  type ClientSubscription,
  type DataValue,
} from 'node-opcua';
import type { OpcuaItem } from '../../../shared/ingest/opcuaSettings';

export interface ServerLimits {
  /** 0: no limit reported. */
  readonly perSubscription: number;
  readonly perCall: number;
}

export interface Monitoring {
  readonly subscriptions: ClientSubscription[];
  /** Items the server accepted. */
  readonly monitored: number;
  /** Items it refused, with the status code it gave. */
  readonly refused: { readonly nodeId: string; readonly status: string }[];
}

/** Ceiling on items per subscription even when the server reports none: keeps each publish response a sane size. */
const DEFAULT_PER_SUBSCRIPTION = 5_000;

export async function readServerLimits(session: ClientSession): Promise<ServerLimits> {
  const values = await session.read([
    { nodeId: `ns=0;i=${VariableIds.Server_ServerCapabilities_MaxMonitoredItemsPerSubscription}`, attributeId: AttributeIds.Value },
    { nodeId: `ns=0;i=${VariableIds.Server_ServerCapabilities_OperationLimits_MaxMonitoredItemsPerCall}`, attributeId: AttributeIds.Value },
  ]);
  const limit = (value: DataValue | undefined) => (value?.statusCode.isGood() && typeof value.value.value === 'number' && value.value.value > 0 ? value.value.value : 0);
  return { perSubscription: limit(values[0]), perCall: limit(values[1]) };
}

export async function monitorItems(
  session: ClientSession,
  items: readonly OpcuaItem[],
  publishingIntervalMs: number,
  limits: ServerLimits,
  onChange: (item: OpcuaItem, value: DataValue) => void,
): Promise<Monitoring> {
  const perSubscription = Math.min(limits.perSubscription || DEFAULT_PER_SUBSCRIPTION, DEFAULT_PER_SUBSCRIPTION);
  const perCall = limits.perCall || perSubscription;
  const subscriptions: ClientSubscription[] = [];
  const refused: { nodeId: string; status: string }[] = [];
  let monitored = 0;
  for (let start = 0; start < items.length; start += perSubscription) {
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: publishingIntervalMs,
      requestedLifetimeCount: 120,
      requestedMaxKeepAliveCount: 20,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 10,
    });
    subscriptions.push(subscription);
    for (const group of byParameters(items.slice(start, start + perSubscription))) {
      for (let at = 0; at < group.length; at += perCall) {
        const chunk = group.slice(at, at + perCall);
        const created = await subscription.monitorItems(
          chunk.map((item) => ({ nodeId: item.nodeId, attributeId: AttributeIds.Value })),
          parametersOf(chunk[0]!),
          TimestampsToReturn.Both,
        );
        created.on('changed', (_monitoredItem, value, index) => {
          const item = chunk[index];
          if (item) onChange(item, value);
        });
        created.monitoredItems.forEach((monitoredItem, i) => {
          if (monitoredItem.statusCode.isGood()) monitored++;
          else refused.push({ nodeId: chunk[i]!.nodeId, status: monitoredItem.statusCode.name });
        });
      }
    }
  }
  return { subscriptions, monitored, refused };
}

/** Items that share sampling interval and deadband, each group in the order given. */
function byParameters(items: readonly OpcuaItem[]): OpcuaItem[][] {
  const groups = new Map<string, OpcuaItem[]>();
  for (const item of items) {
    const key = `${item.samplingIntervalMs}/${item.deadband?.type ?? ''}/${item.deadband?.value ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()];
}

function parametersOf(item: OpcuaItem) {
  const deadband = item.deadband;
  return {
    samplingInterval: item.samplingIntervalMs,
    queueSize: 10,
    discardOldest: true,
    ...(deadband
      ? {
          filter: new DataChangeFilter({
            trigger: DataChangeTrigger.StatusValue,
            deadbandType: deadband.type === 'absolute' ? DeadbandType.Absolute : DeadbandType.Percent,
            deadbandValue: deadband.value,
          }),
        }
      : {}),
  };
}
