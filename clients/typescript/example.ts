// A typed client of pact-chronology, from the OpenAPI document the service serves
// (README, "Clients"): types generated with
//   npx openapi-typescript http://127.0.0.1:8000/openapi.json -o schema.d.ts
// and this file type-checked against them (tsc --noEmit), as tests/e2e/test_clients.py does.
import type { components } from "./schema";

type Status = components["schemas"]["StatusAnswer"];
type AppendBody = components["schemas"]["AppendRequest"];
type Notice = components["schemas"]["TerminationNotifiedEventIn"];

/** What was the agreement's status on a day? */
export async function statusOn(base: string, agreement: string, on: string): Promise<Status> {
  const response = await fetch(`${base}/agreements/${agreement}/status?on=${on}`);
  if (!response.ok) throw new Error(`status ${response.status}: ${await response.text()}`);
  return (await response.json()) as Status;
}

/** The day a pending termination takes effect, if one is pending. */
export function effectiveOn(status: Status): string | undefined {
  return status.termination?.effective_on;
}

/** A typed append body: a notice of termination, its payload checked against its type. */
export const notice: Notice = {
  type: "termination_notified",
  occurred_on: "2019-08-23",
  payload: { notified_by: "Republic of Korea" },
  sources: [{ publisher: "Yonhap" }],
};

export const body: AppendBody = { expected_version: 3, events: [notice] };
