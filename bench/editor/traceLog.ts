// Hearth's per-completion log lines are at trace level. In code-server the extension host takes its
// extensions' log levels from the browser window, which reads them from the workbench URL's
// `payload` query (VS Code web's `logLevel` entry); argv.json is only read when it changes. The e2e
// harness builds that URL itself, so for the bench's session the browser launch is wrapped: every
// new context gets an init script that adds the payload before the workbench reads its URL.
import { chromium } from 'playwright-core';

/** Runs `start` (which launches the browser) with `extensionId`'s log level set to trace in the window it opens. */
export async function withTraceLogging<T>(extensionId: string, start: () => Promise<T>): Promise<T> {
  const payload = JSON.stringify([['logLevel', `${extensionId}:trace`]]);
  const script = `(() => {
    const u = new URL(location.href);
    if (u.searchParams.has('folder') && !u.searchParams.has('payload')) {
      u.searchParams.set('payload', ${JSON.stringify(payload)});
      history.replaceState(history.state, '', u.toString());
    }
  })()`;
  const launch = chromium.launch;
  chromium.launch = async (options) => {
    const browser = await launch.call(chromium, options);
    const newContext = browser.newContext.bind(browser);
    browser.newContext = async (contextOptions) => {
      const context = await newContext(contextOptions);
      await context.addInitScript(script);
      return context;
    };
    return browser;
  };
  try {
    return await start();
  } finally {
    chromium.launch = launch;
  }
}
