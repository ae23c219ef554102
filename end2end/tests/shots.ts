// Screenshots of every state a student meets, at a phone's and a laptop's
// size, for people to look at (end2end/screenshots/, not committed).
import { Page } from "@playwright/test";

const sizes = [
  { name: "390x844", width: 390, height: 844 },
  { name: "1280x800", width: 1280, height: 800 },
];

export async function snap(page: Page, state: string): Promise<void> {
  const original = page.viewportSize();
  for (const size of sizes) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.screenshot({ path: `screenshots/${state}-${size.name}.png`, fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}
