/*
 * Show Logs and Restart Server: the two ways out when something went wrong.
 */
import type { Services } from '../services';

export function showLogs(services: Services): void {
  services.log.show();
}

export async function restartServer(services: Services): Promise<void> {
  services.log.info('[command] restarting the store server');
  await services.client.restart();
}
