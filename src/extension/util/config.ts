/*
 * Typed getters for the `strata.*` settings, and which of them the server must hear about.
 * Nothing here needs a server restart: store settings are sent with `store/configure`.
 */
import * as vscode from 'vscode';
import { Settings } from '../constants';
import type { StoreLocation } from '../../shared/model';
import type { ServerSettings } from '../../shared/protocol';

export type GroupBy = 'repository' | 'none';

/** Settings the server reads; a change is sent to the running server (no restart). */
export const SERVER_SETTINGS = [Settings.stores, Settings.discoverSystemStores];

function section(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

/** `strata.stores`: absolute paths, or objects naming root/runRoot/driver. Bad entries are skipped. */
export function configuredStores(): StoreLocation[] {
  const raw = section().get<unknown[]>('stores', []);
  const out: StoreLocation[] = [];
  for (const item of Array.isArray(raw) ? raw : []) {
    if (typeof item === 'string' && item.trim()) out.push({ root: item.trim() });
    else if (item && typeof item === 'object' && typeof (item as StoreLocation).root === 'string') {
      const s = item as StoreLocation;
      out.push({
        root: s.root,
        ...(typeof s.runRoot === 'string' && s.runRoot ? { runRoot: s.runRoot } : {}),
        ...(typeof s.driver === 'string' && s.driver ? { driver: s.driver } : {}),
      });
    }
  }
  return out;
}

export function groupBy(): GroupBy {
  return section().get<string>('groupBy', 'repository') === 'none' ? 'none' : 'repository';
}

export function serverSettings(): ServerSettings {
  return {
    extraStores: configuredStores(),
    discoverSystemStores: section().get<boolean>('discoverSystemStores', true),
    watchDebounceMs: 150,
  };
}

/** Appends a store to `strata.stores` in the user settings (or workspace when it is set there). */
export async function addConfiguredStore(loc: StoreLocation): Promise<void> {
  const cfg = section();
  const inspect = cfg.inspect<unknown[]>('stores');
  const target = inspect?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const current = (target === vscode.ConfigurationTarget.Workspace ? inspect?.workspaceValue : inspect?.globalValue) ?? [];
  const entry = loc.runRoot || loc.driver ? loc : loc.root;
  await cfg.update('stores', [...current, entry], target);
}
