// What changed since a day: every recorded version of a commitment (a new
// fact, a status change, a retraction) with who recorded it, when and why.
//
// The data access is this file alone. With the root changes(since:)
// connection the server says what changed and when it became known (a
// curated fact is new once its earliest source is out). Without it, the
// versions come from each commitment's history, where curated version-1
// facts have no recording time and are the baseline, not a change.

import { gql, server, type CommitmentVersion, type EntityRef } from "./api";

export interface Change {
  commitment: { id: string; kind: string; actor: EntityRef; target: EntityRef };
  version: CommitmentVersion;
  /** The status before this version; null for a new fact. */
  before: string | null;
  /** What the change was: NEW, STATUS_CHANGED, EVIDENCE_ADDED, CHANGED, RETRACTED. */
  kind: string;
  /** When it became known (the API's `at`), else when it was recorded. */
  at: string;
}

interface ApiPage {
  changes: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: {
      kind: string;
      at: string;
      recordedBy: string | null;
      recordedAt: string | null;
      reason: string | null;
      commitment: { id: string; kind: string; status: string; version: number; retracted: boolean; validFrom: string | null; actor: EntityRef; target: EntityRef };
      previous: { status: string } | null;
    }[];
  };
}

async function fromApi(since: string): Promise<Change[]> {
  const out: Change[] = [];
  let after: string | null = null;
  for (;;) {
    const d: ApiPage = await gql<ApiPage>(
      `query DashboardChangesApi($since: Time, $after: String) {
        changes(since: $since, first: 100, after: $after) {
          pageInfo { hasNextPage endCursor }
          nodes { kind at recordedBy recordedAt reason previous { status }
            commitment { id kind status version retracted validFrom actor { id name } target { id name } } }
        }
      }`,
      { since: since ? `${since}T00:00:00Z` : null, after },
    );
    for (const n of d.changes.nodes) {
      const c = n.commitment;
      out.push({
        commitment: { id: c.id, kind: c.kind, actor: c.actor, target: c.target },
        version: { version: c.version, status: c.status, recordedAt: n.recordedAt, recordedBy: n.recordedBy, reason: n.reason, validFrom: c.validFrom, retracted: c.retracted },
        before: n.previous?.status ?? null,
        kind: n.kind,
        at: n.at,
      });
    }
    if (!d.changes.pageInfo.hasNextPage) break;
    after = d.changes.pageInfo.endCursor;
  }
  return out;
}

interface Page {
  commitments: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { id: string; kind: string; actor: EntityRef; target: EntityRef; history: CommitmentVersion[] }[];
  };
}

async function fromHistory(since: string): Promise<Change[]> {
  const from = since ? `${since}T00:00:00Z` : "";
  const out: Change[] = [];
  let after: string | null = null;
  for (;;) {
    const d: Page = await gql<Page>(
      `query DashboardChanges($after: String) {
        commitments(first: 100, after: $after, orderBy: ID) {
          pageInfo { hasNextPage endCursor }
          nodes { id kind actor { id name } target { id name }
            history { version status recordedAt recordedBy reason validFrom retracted } }
        }
      }`,
      { after },
    );
    for (const c of d.commitments.nodes) {
      c.history.forEach((v, i) => {
        if (!v.recordedAt || (from && v.recordedAt < from)) return;
        const before = i ? c.history[i - 1].status : null;
        const kind = v.retracted ? "RETRACTED" : before === null ? "NEW" : before !== v.status ? "STATUS_CHANGED" : "CHANGED";
        out.push({ commitment: { id: c.id, kind: c.kind, actor: c.actor, target: c.target }, version: v, before, kind, at: v.recordedAt! });
      });
    }
    if (!d.commitments.pageInfo.hasNextPage) break;
    after = d.commitments.pageInfo.endCursor;
  }
  return out;
}

/** Changes known on or after `since` (YYYY-MM-DD; empty for all), newest first. */
export async function fetchChanges(since: string): Promise<Change[]> {
  const out = server.changes ? await fromApi(since) : await fromHistory(since);
  return out.sort((a, b) => b.at.localeCompare(a.at) || a.commitment.id.localeCompare(b.commitment.id));
}
