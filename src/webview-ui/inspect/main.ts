/*
 * Entry of the inspect/history webview bundle (dist/webview/inspect.js). Wires the VS Code webview
 * API to the app: restores saved state, accepts only well-formed host messages, and announces
 * readiness so the host posts data only to a page that is listening.
 */
import { isHostMessage, parseViewState, type InspectViewState, type WebviewMessage } from '../../shared/webview-protocol';
import { InspectApp } from './app';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: InspectViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('app');
if (!root) throw new Error('inspect webview: #app missing from the page');

const app = new InspectApp(
  root,
  { post: (m) => vscode.postMessage(m), saveState: (s) => vscode.setState(s) },
  parseViewState(vscode.getState()),
);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  // The host is the only sender; anything malformed is dropped rather than half-rendered.
  if (isHostMessage(event.data)) app.handle(event.data);
});

vscode.postMessage({ type: 'webview/ready' });
