/*
 * The store server process: wiring only. Started by the extension through vscode-languageclient
 * (IPC transport) or by tests; owns every disk access of the extension. Logs only through
 * connection.console (stdout/IPC carry the protocol). Logic lives in store-handlers.ts and the
 * store library.
 */
import { createConnection, ProposedFeatures, type CancellationToken } from 'vscode-languageserver/node';
import {
  Capabilities,
  Configure,
  DidChange,
  ImageDetailsRequest,
  ImageHistory,
  ImportImage,
  InspectImage,
  LoadImages,
  ListImages,
  ListStores,
  PlanRemoval,
  RemoveImages,
  SaveImage,
  TagImage,
  UntagImage,
  ValidateReference,
  type ServerSettings,
} from '../shared/protocol';
import { toResponseError } from './errors';
import { StoreHandlers, type ProgressSink } from './store-handlers';
import { StoreRegistry } from './store-registry';
import { StoreWatcher } from './store-watcher';
import { registerContainerfileFeatures, CONTAINERFILE_CAPABILITIES } from './containerfile/wiring';

const connection = createConnection(ProposedFeatures.all);
const log = (msg: string): void => connection.console.log(msg);
const registry = new StoreRegistry();
const handlers = new StoreHandlers(registry);
let watcher: StoreWatcher | undefined;
const containerfile = registerContainerfileFeatures(
  connection,
  () => registry.list().flatMap((e) => (e.store ? [{ label: `the store at ${e.info.graphRoot}`, store: e.store }] : [])),
  log,
);

function applySettings(settings: Partial<ServerSettings> | undefined): void {
  registry.configure(settings ?? {});
  watcher?.dispose();
  watcher = new StoreWatcher(
    (storeId) => {
      void connection.sendNotification(DidChange.type, { storeId });
      containerfile.refresh();
    },
    registry.current.watchDebounceMs,
    log,
  );
  rewatch();
}

function rewatch(): void {
  watcher?.setTargets(registry.list().flatMap((e) => (e.store ? [{ storeId: e.info.id, store: e.store }] : [])));
}

/** Runs a handler and maps its failure to the protocol's error shape. */
function guard<P, R>(f: (p: P, token: CancellationToken) => R | Promise<R>) {
  return async (p: P, token: CancellationToken): Promise<R> => {
    try {
      return await f(p, token);
    } catch (e) {
      throw toResponseError(e, log);
    }
  };
}

function guard0<R>(f: () => R | Promise<R>) {
  return async (): Promise<R> => {
    try {
      return await f();
    } catch (e) {
      throw toResponseError(e, log);
    }
  };
}

connection.onInitialize((params) => {
  applySettings(params.initializationOptions as Partial<ServerSettings> | undefined);
  return { capabilities: CONTAINERFILE_CAPABILITIES, serverInfo: { name: 'strata-store-server' } };
});

connection.onRequest(Capabilities.type, guard0(() => handlers.capabilities()));
connection.onRequest(
  Configure.type,
  guard((s: ServerSettings) => applySettings(s)),
);
connection.onRequest(
  ListStores.type,
  guard0(() => {
    const stores = handlers.listStores();
    rewatch();
    return stores;
  }),
);
connection.onRequest(ListImages.type, guard((p, t) => handlers.listImages(p, t)));
connection.onRequest(ImageDetailsRequest.type, guard((p, t) => handlers.imageDetails(p, t)));
connection.onRequest(InspectImage.type, guard((p, t) => handlers.inspectImage(p, t)));
connection.onRequest(ImageHistory.type, guard((p, t) => handlers.imageHistory(p, t)));
connection.onRequest(PlanRemoval.type, guard((p, t) => handlers.planRemoval(p, t)));
connection.onRequest(ValidateReference.type, guard((p) => handlers.validateReference(p.name)));
connection.onRequest(TagImage.type, guard((p, t) => handlers.tagImage(p, t)));
connection.onRequest(UntagImage.type, guard((p, t) => handlers.untagImage(p, t)));
connection.onRequest(RemoveImages.type, guard((p, t) => handlers.removeImages(p, t)));
connection.onRequest(SaveImage.type, guard((p, t) => handlers.saveImage(p, t, progressFor(p.workDoneToken))));

/** Work-done progress for a request that passed a token; reports only when the percentage moves. */
function progressFor(token: string | number | undefined): ProgressSink | undefined {
  if (token === undefined) return undefined;
  const reporter = connection.window.attachWorkDoneProgress(token);
  let last = -1;
  return {
    begin: (title) => reporter.begin(title, 0, undefined, true),
    report: (percentage, message) => {
      if (percentage === last) return;
      last = percentage;
      reporter.report(percentage, message);
    },
    done: () => reporter.done(),
  };
}

connection.onRequest(LoadImages.type, guard((p, t) => handlers.loadImages(p, t, progressFor(p.workDoneToken))));
connection.onRequest(ImportImage.type, guard((p, t) => handlers.importImage(p, t, progressFor(p.workDoneToken))));
connection.onShutdown(() => watcher?.dispose());
connection.listen();
