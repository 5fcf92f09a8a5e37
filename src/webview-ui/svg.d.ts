/* esbuild bundles the few codicon SVGs the webview uses as text (loader '.svg': 'text'). */
declare module '*.svg' {
  const markup: string;
  export default markup;
}
