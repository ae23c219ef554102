// mLegitymacja's service worker: shows the notification the gateway sends
// by Web Push when the student's order reaches an outcome with the page
// closed, and brings the student back to the widget on a click. It caches
// nothing and handles no fetch: the widget works exactly as without it.
// The build copies it into dist/ under a hashed name (scripts/write-loader).

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

/// The page to open: the message's URL if it is http(s), else the widget's folder.
function pageFor(url) {
  try {
    const page = new URL(url, self.registration.scope);
    if (page.protocol === "https:" || page.protocol === "http:") return page.href;
  } catch (_) {
    // Not a URL: the widget's own folder below.
  }
  return self.registration.scope;
}

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (_) {
    message = {};
  }
  const text = (value, fallback) => (typeof value === "string" && value ? value : fallback);
  const title = text(message.title, "mLegitymacja");
  event.waitUntil(
    self.registration.showNotification(title, {
      body: text(message.body, ""),
      icon: new URL("icon-192.png", self.registration.scope).href,
      // One per order: a repeated message replaces the first.
      tag: text(message.tag, "mlegitymacja"),
      lang: text(message.lang, "pl"),
      data: { url: pageFor(message.url) },
    }),
  );
});

/// An address without its query and fragment, to compare pages.
function pageOf(url) {
  const page = new URL(url);
  return page.origin + page.pathname;
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = pageFor(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      // A window already showing the widget: bring it forward.
      const showing = windows.find((w) => pageOf(w.url) === pageOf(target));
      if (showing) {
        await showing.focus();
        return;
      }
      // Another of the widget's own pages (e.g. its help at /pomoc):
      // focus it first, then take it to the message's page.
      const ours = windows.find((w) => w.url.startsWith(self.registration.scope) && "navigate" in w);
      if (ours) {
        const focused = await ours.focus();
        try {
          await focused.navigate(target);
          return;
        } catch (_) {
          // Not controlled by this worker: open a window instead.
        }
      }
      await self.clients.openWindow(target);
    })(),
  );
});
