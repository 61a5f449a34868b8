/** Before the end-to-end tests: the user interface and the store host page are built (once, when stale). */
import { ensureRendererBuilt } from '../../../main/platform/rendererBuild';

export default async function setup(): Promise<void> {
  await ensureRendererBuilt((line) => console.log(`[e2e] ${line}`));
}
