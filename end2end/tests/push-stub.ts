// The one stand-in inside the page (see push.spec.ts): PushManager's
// subscribe and getSubscription return a subscription that usos-sim's push
// service made, because Chromium's own push service cannot be reached from
// here. Everything else is real.
import { APIRequestContext, BrowserContext } from "@playwright/test";

/** Hands the pages of `context` a subscription made by the push service of
 * the usos-sim at `usos`; a reload still finds it. */
export async function stubPushManager(
  context: BrowserContext,
  request: APIRequestContext,
  usos: string,
): Promise<{ endpoint: string }> {
  const subscription = await (await request.post(`${usos}/_sim/push/subscriptions`)).json();
  await context.addInitScript((json) => {
    const made = () => ({
      endpoint: json.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true },
      toJSON: () => json,
      unsubscribe: async () => {
        localStorage.removeItem("test-push-subscribed");
        return true;
      },
    });
    PushManager.prototype.subscribe = async function () {
      localStorage.setItem("test-push-subscribed", "1");
      return made() as unknown as PushSubscription;
    };
    PushManager.prototype.getSubscription = async function () {
      return (localStorage.getItem("test-push-subscribed") ? made() : null) as unknown as PushSubscription | null;
    };
  }, subscription);
  return subscription;
}
