// What changed since a day: every recorded version of a commitment (a new
// fact, a status change, a retraction) with who recorded it, when and why.
//
// The data access is this file alone. Today's API has no changes(since:)
// query, so the versions come from each commitment's history (curated
// version-1 facts have no recording time and are the baseline, not a
// change). When the API has a changes connection, only fetchChanges changes.

import { gql, type CommitmentVersion, type EntityRef } from "./api";

export interface Change {
  commitment: { id: string; kind: string; actor: EntityRef; target: EntityRef };
  version: CommitmentVersion;
  /** The status before this version; null for a new fact. */
  before: string | null;
}

interface Page {
  commitments: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { id: string; kind: string; actor: EntityRef; target: EntityRef; history: CommitmentVersion[] }[];
  };
}

/** Changes recorded on or after `since` (YYYY-MM-DD; empty for all), newest first. */
export async function fetchChanges(since: string): Promise<Change[]> {
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
        out.push({ commitment: { id: c.id, kind: c.kind, actor: c.actor, target: c.target }, version: v, before: i ? c.history[i - 1].status : null });
      });
    }
    if (!d.commitments.pageInfo.hasNextPage) break;
    after = d.commitments.pageInfo.endCursor;
  }
  return out.sort((a, b) => (b.version.recordedAt ?? "").localeCompare(a.version.recordedAt ?? "") || a.commitment.id.localeCompare(b.commitment.id));
}
