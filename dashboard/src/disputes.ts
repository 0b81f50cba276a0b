// Where the sources disagree: every topic on which the articles give more
// than one account, each account with the claims and quotes that give it.
//
// The data access is this file alone. With the disagreement API (the root
// `disputes` query, claim positions) the topics and their positions come
// from the server, which decides what differs; the quotes come per subject,
// since all of them in one document cost more than the complexity limit.
// Without it, the accounts are the claims themselves, gathered per source
// and grouped by subject and topic.

import { gql, server, type Claim, type EntityRef, type Evidence } from "./api";

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

const sourcesOf = (claims: { evidence: Evidence[] }[]) =>
  [...new Set(claims.flatMap((c) => c.evidence.map((e) => e.source.id)))].sort();

async function fromDisputes(): Promise<DisputedTopic[]> {
  const { disputes } = await gql<{ disputes: { subject: EntityRef; topic: string; positions: { position: string; claims: { id: string }[] }[] }[] }>(
    `query DashboardDisputes { disputes { subject { id name kind } topic positions { position claims { id } } } }`,
  );
  const subjects = [...new Set(disputes.map((d) => d.subject.id))];
  const claims = new Map<string, Claim>();
  await Promise.all(subjects.map(async (id) => {
    const d = await gql<{ entity: { claims: { claims: Claim[] }[] } | null }>(
      `query DashboardDisputedClaims($id: ID!) { entity(id: $id) { claims { claims { id text ${EVIDENCE} } } } }`,
      { id },
    );
    for (const t of d.entity?.claims ?? []) for (const c of t.claims) claims.set(c.id, c);
  }));
  return disputes.map((d) => ({
    subject: d.subject,
    topic: d.topic,
    accounts: d.positions.map((p) => {
      const cs = p.claims.map((c) => claims.get(c.id) ?? { id: c.id, text: "", evidence: [] });
      return { position: p.position, claims: cs, sources: sourcesOf(cs) };
    }),
  }));
}

async function fromSources(): Promise<DisputedTopic[]> {
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
    a.sources = sourcesOf(a.claims);
  }
  return [...topics.values()].filter((t) => t.accounts.length > 1);
}

/** Disputed topics, by subject name then topic. */
export async function fetchDisputes(): Promise<DisputedTopic[]> {
  const topics = server.disagreement ? await fromDisputes() : await fromSources();
  return topics.sort((a, b) => a.subject.name.localeCompare(b.subject.name, "en") || a.topic.localeCompare(b.topic, "en"));
}
