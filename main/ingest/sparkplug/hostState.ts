/**
 * The primary host application's state (Sparkplug B 2.2): `STATE/<host id>` holds `ONLINE`
 * while the console is connected and `OFFLINE` once it is not, retained, QoS 1. OFFLINE is
 * the MQTT will, so the broker publishes it when the connection drops without a goodbye;
 * edge nodes that wait for their primary host stop publishing meanwhile.
 */
import type { IClientOptions, MqttClient } from 'mqtt';

export function hostStateTopic(hostId: string): string {
  return `STATE/${hostId}`;
}

export function hostWill(hostId: string): NonNullable<IClientOptions['will']> {
  return { topic: hostStateTopic(hostId), payload: Buffer.from('OFFLINE'), qos: 1, retain: true };
}

/** Publishes the state; resolves when the broker acknowledged it, or when it could not be sent. */
export function publishHostState(client: MqttClient, hostId: string, online: boolean): Promise<void> {
  return new Promise((resolve) => {
    client.publish(hostStateTopic(hostId), online ? 'ONLINE' : 'OFFLINE', { qos: 1, retain: true }, () => resolve());
  });
}
