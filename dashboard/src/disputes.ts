// Where the sources disagree: every topic on which the articles give more
// than one account, each account with the claims and quotes that give it.
//
// The data access is this file alone. Today's API has no root listing of
// disputed topics and no claim positions, so the accounts are the claims
// themselves, gathered from each source and grouped by subject and topic,
// as Entity.claims' `disputed` does. When the API lists disputed topics with
// positions, only fetchDisputes changes.

import { gql, type EntityRef, type Evidence } from "./api";

export interface Account {
  /** The answer this account gives: a normalised position, or the claim's text. */
  position: string;
  claims: { id: string; text: string; evidence: Evidence[] }[];
  /** Distinct source ids, in id order. */
  sources: string[];
}

export interface DisputedTopic {
  subject: EntityRef;
  topic: string;
  accounts: Account[];
}

interface SourceClaim {
  id: string;
  topic: string;
  text: string;
  subject: EntityRef;
  evidence: Evidence[];
}

const EVIDENCE = `evidence { quote attributedTo line source { id file outlet title published { text } } }`;

export async function fetchDisputes(): Promise<DisputedTopic[]> {
  const { sources } = await gql<{ sources: { id: string }[] }>(`query DashboardSourceIds { sources { id } }`);
  // One query per source: all claims with their evidence in one document
  // cost more than the server's complexity limit.
  const perSource = await Promise.all(sources.map((s) =>
    gql<{ source: { claims: SourceClaim[] } | null }>(
      `query DashboardSourceClaims($id: ID!) { source(id: $id) { claims { id topic text subject { id name kind } ${EVIDENCE} } } }`,
      { id: s.id },
    )));
  const claims = new Map<string, SourceClaim>();
  for (const r of perSource) for (const c of r.source?.claims ?? []) claims.set(c.id, c);

  const topics = new Map<string, DisputedTopic>();
  for (const c of [...claims.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const key = `${c.subject.id}\u0000${c.topic}`;
    let t = topics.get(key);
    if (!t) topics.set(key, (t = { subject: c.subject, topic: c.topic, accounts: [] }));
    let a = t.accounts.find((x) => x.position === c.text);
    if (!a) t.accounts.push((a = { position: c.text, claims: [], sources: [] }));
    a.claims.push({ id: c.id, text: c.text, evidence: c.evidence });
    a.sources = [...new Set([...a.sources, ...c.evidence.map((e) => e.source.id)])].sort();
  }
  return [...topics.values()]
    .filter((t) => t.accounts.length > 1)
    .sort((a, b) => a.subject.name.localeCompare(b.subject.name, "en") || a.topic.localeCompare(b.topic, "en"));
}
