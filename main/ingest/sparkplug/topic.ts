/**
 * Sparkplug B topic names: `spBv1.0/<group>/<message type>/<edge node>[/<device>]`. Device
 * messages (DBIRTH, DDATA, DDEATH, DCMD) name a device, node messages do not.
 */
export const SPARKPLUG_NAMESPACE = 'spBv1.0';

export const MESSAGE_TYPES = ['NBIRTH', 'NDATA', 'NDEATH', 'DBIRTH', 'DDATA', 'DDEATH', 'NCMD', 'DCMD'] as const;
export type SparkplugMessageType = (typeof MESSAGE_TYPES)[number];

export interface SparkplugTopic {
  readonly group: string;
  readonly type: SparkplugMessageType;
  readonly node: string;
  readonly device: string | null;
}

export function isSparkplugTopic(topic: string): boolean {
  return topic.startsWith(`${SPARKPLUG_NAMESPACE}/`);
}

/** The topic's parts, or a sentence saying why it is not a Sparkplug B topic. */
export function parseSparkplugTopic(topic: string): SparkplugTopic | string {
  const parts = topic.split('/');
  const [namespace, group, type, node, device, ...rest] = parts;
  if (namespace !== SPARKPLUG_NAMESPACE || group === undefined || type === undefined || node === undefined) {
    return `topic "${topic.slice(0, 200)}" is not spBv1.0/<group>/<message type>/<edge node>[/<device>]`;
  }
  if (!(MESSAGE_TYPES as readonly string[]).includes(type)) return `"${type.slice(0, 40)}" is not a Sparkplug B message type (${MESSAGE_TYPES.join(', ')})`;
  if ([group, node, device].some((part) => part === '')) return `topic "${topic.slice(0, 200)}" has an empty group, edge node or device`;
  const deviceMessage = type.startsWith('D');
  if (rest.length > 0 || (deviceMessage && device === undefined) || (!deviceMessage && device !== undefined)) {
    return `a ${type} topic names ${deviceMessage ? 'group, edge node and device' : 'group and edge node only'}`;
  }
  return { group, type: type as SparkplugMessageType, node, device: device ?? null };
}

export function nodeCommandTopic(group: string, node: string): string {
  return `${SPARKPLUG_NAMESPACE}/${group}/NCMD/${node}`;
}
