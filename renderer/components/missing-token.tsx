/** The web shell refuses every request without its per-run token, so say how to get one. */
export function MissingToken() {
  return (
    <main className="missing-token">
      <h1 className="app-name">Ferry</h1>
      <p>
        This page needs the access link that <code>npm run web</code> prints when it starts. Open that link
        (it ends in <code>#token=…</code>) to use Ferry in the browser.
      </p>
    </main>
  );
}
