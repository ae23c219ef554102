// Where one run of the suite lives: its first port (E2E_PORT; the servers
// take it and the nine after it) and the folders its servers write their
// logs and secrets into. scripts/test runs the suite as two groups side by
// side (E2E_GROUP), each on its own ports and in its own folders.
export const port = Number(process.env.E2E_PORT ?? 8091);

/** The folder of one of this run's servers, relative to end2end/. */
export function runDir(name: string): string {
  return `.runs/${port}/${name}`;
}
