/**
 * `--only sources`: the plant sources' ingest rates, each beside the raw rate of its client
 * library measured in the same run. Every source has its own function (and file), so that a
 * source that cannot run here (a broker missing, say) reports its error under its own key
 * and leaves the others measured.
 */
import { measureSparkplug } from './sparkplug';
import type { SectionSettings } from './section';

export type SourcesBenchSettings = SectionSettings;

export type SourceFigures = Record<string, number | string | boolean | null>;

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function guarded(name: string, settings: SourcesBenchSettings, measure: (settings: SourcesBenchSettings) => Promise<SourceFigures>): Promise<SourceFigures> {
  try {
    return await measure(settings);
  } catch (error) {
    settings.log(`${name} benchmark failed: ${errorText(error)}`);
    return { [`${name}_error`]: errorText(error) };
  }
}

export async function measureSources(settings: SourcesBenchSettings): Promise<SourceFigures> {
  return {
    ...(await guarded('sparkplug', settings, measureSparkplug)),
  };
}
