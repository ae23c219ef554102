// Reads a QR code the way a phone would: from pixels, with zbarimg.
import { Locator } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function decodeQr(element: Locator): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), "mlg-qr-")), "qr.png");
  await element.screenshot({ path: file });
  const output = execFileSync("zbarimg", ["-q", "--raw", file], { encoding: "utf8" });
  return output.trim();
}
