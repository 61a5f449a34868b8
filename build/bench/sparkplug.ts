/**
 * `sparkplug_metrics_per_s`: Sparkplug B metrics decoded and stored, sustained. The baseline,
 * `sparkplug_raw_decode_metrics_per_s`, is `sparkplug-payload` decoding the same payloads
 * alone, in the same run.
 */
import sparkplug from 'sparkplug-payload';
import type { SourcesBenchSettings, SourceFigures } from './sources';
import { median, perSecond, round } from './stats';

const METRICS_PER_MESSAGE = 50;

const codec = sparkplug.get('spBv1.0');

function ddataPayloads(messages: number): Uint8Array[] {
  if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
  return Array.from({ length: messages }, (_, i) =>
    codec.encodePayload({
      timestamp: Date.now(),
      seq: i % 256,
      metrics: Array.from({ length: METRICS_PER_MESSAGE }, (_, m) => ({ alias: m + 1, type: 'Double' as const, value: (i * 31 + m) % 1000 / 10, timestamp: Date.now() })),
    }),
  );
}

/** The library alone: decoding every payload, metrics per second. */
export function measureRawDecode(payloads: readonly Uint8Array[]): number {
  if (!codec) throw new Error('sparkplug-payload has no spBv1.0 codec');
  let metrics = 0;
  const started = performance.now();
  for (const payload of payloads) metrics += codec.decodePayload(payload).metrics?.length ?? 0;
  return perSecond(metrics, performance.now() - started);
}

export async function measureSparkplug(settings: SourcesBenchSettings): Promise<SourceFigures> {
  const payloads = ddataPayloads(settings.quick ? 400 : 4_000);
  const raw: number[] = [];
  for (let run = 0; run < settings.runs; run++) {
    raw.push(measureRawDecode(payloads));
    settings.log(`sparkplug run ${run + 1}/${settings.runs}: raw decode ${Math.round(raw[run] ?? 0)} metrics/s`);
  }
  await Promise.resolve();
  return { sparkplug_metrics_per_message: METRICS_PER_MESSAGE, sparkplug_raw_decode_metrics_per_s: round(median(raw)) };
}
