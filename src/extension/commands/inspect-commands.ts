/*
 * Inspect and History: both open the image's inspect/history webview panel (src/extension/webview),
 * on the Inspect or the History tab. An already open panel for the image is revealed instead.
 */
import type { InspectTab } from '../../shared/webview-protocol';
import type { Services } from '../services';
import { resolveTargets } from './targets';
import { showError } from './ui';

async function openPanel(services: Services, tab: InspectTab, title: string, arg?: unknown, all?: unknown): Promise<void> {
  const target = (await resolveTargets(services, arg, all, { many: false, title }))?.[0];
  if (!target) return;
  try {
    services.inspectPanels.open({ storeId: target.storeId, imageId: target.imageId }, tab);
  } catch (e) {
    showError(services, `Could not open ${target.label}`, e);
  }
}

export function inspectImage(services: Services, arg?: unknown, all?: unknown): Promise<void> {
  return openPanel(services, 'inspect', 'Inspect which image?', arg, all);
}

export function showImageHistory(services: Services, arg?: unknown, all?: unknown): Promise<void> {
  return openPanel(services, 'history', 'Show the history of which image?', arg, all);
}
