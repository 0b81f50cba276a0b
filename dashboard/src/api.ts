// The dashboard reads only the public GraphQL API, on the same origin.

export const ENDPOINT = "/graphql";

export class GraphQLError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "GraphQLError";
  }
}

interface Response<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let res: globalThis.Response;
  try {
    res = await fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw new GraphQLError(`the API cannot be reached: ${(err as Error).message}`, "NETWORK");
  }
  let body: Response<T>;
  try {
    body = (await res.json()) as Response<T>;
  } catch {
    throw new GraphQLError(`the API answered ${res.status} without JSON`, "BAD_RESPONSE");
  }
  if (body.errors?.length) {
    const e = body.errors[0];
    throw new GraphQLError(e.message, e.extensions?.code);
  }
  if (!body.data) throw new GraphQLError(`the API answered ${res.status} without data`, "BAD_RESPONSE");
  return body.data;
}

// ---- types of the parts of the schema the dashboard reads ----

export interface PartialDate {
  text: string;
}
export interface EntityRef {
  id: string;
  name: string;
  kind?: string;
}
export interface Source {
  id: string;
  file: string;
  outlet: string | null;
  title: string | null;
  published: PartialDate | null;
}
export interface Evidence {
  quote: string;
  attributedTo: string | null;
  line: number | null;
  source: Source;
}
export interface Claim {
  id: string;
  text: string;
  evidence: Evidence[];
}
export interface ClaimPosition {
  position: string;
  corroboration: number;
  claims: Claim[];
}
export interface ClaimTopic {
  topic: string;
  disputed: boolean;
  /** Without the disagreement API: every claim is its own account. */
  claims?: Claim[];
  /** With it: the answers given, each with its claims. */
  positions?: ClaimPosition[];
}
/** One version of a commitment, oldest first in Commitment.history. */
export interface CommitmentVersion {
  version: number;
  status: string;
  recordedAt: string | null;
  recordedBy: string | null;
  reason: string | null;
  validFrom: string | null;
  retracted: boolean;
}
export interface Commitment {
  id: string;
  kind: string;
  status: string;
  date: PartialDate | null;
  summary: string | null;
  conditions: string[];
  actor: EntityRef;
  target: EntityRef & { claims?: ClaimTopic[] };
  statedBy: EntityRef | null;
  evidence: Evidence[];
  version?: number;
  history?: CommitmentVersion[];
  /** How many sources report it, where the server counts it. */
  corroboration?: number;
}
/** A commitment as a matrix cell lists it: enough to name its target and place it on the timeline. */
export interface CellCommitment {
  id: string;
  status: string;
  target: EntityRef;
}
export interface MatrixCell {
  kind: string;
  status: string;
  commitmentCount: number;
  evidenceCount: number;
  commitments: CellCommitment[];
}
/** A claim as the stance layer lists it; its evidence comes on opening. */
export interface StanceClaim {
  id: string;
  text: string;
  subject: { id: string };
}
/** A position an actor takes, or something others discussed about it: not a commitment. */
export interface MatrixStance {
  /** The column; null when no commitment kind fits. */
  kind: string | null;
  state: string;
  discussedBy: string[];
  claims: StanceClaim[];
}
export interface MatrixRow {
  actor: EntityRef;
  total: number;
  cells: MatrixCell[];
  /** Present when the server has the stance layer. */
  stances?: MatrixStance[];
}
export interface Matrix {
  kinds: string[];
  rows: MatrixRow[];
  /** Rows in the whole matrix, where the server pages it (the first page holds the actors with the most commitments). */
  totalCount?: number;
  pageInfo?: { hasNextPage: boolean; endCursor: string | null };
}
export interface KindInfo {
  kind: string;
  description: string;
  statuses: string[];
}
export interface Vocabulary {
  commitmentKinds: KindInfo[];
  statuses: string[];
}
export interface TimelineEntry {
  date: PartialDate;
  /** Listed after the dated entries, where the server says so. */
  undated?: boolean;
  type: "EVENT" | "COMMITMENT";
  event: (EntityRef & { description: string | null }) | null;
  commitment: (Pick<Commitment, "id" | "kind" | "status" | "summary"> & { actor: EntityRef; target: EntityRef }) | null;
}
export interface CoalitionCommitment {
  id: string;
  kind: string;
  status: string;
  actor: EntityRef;
  target: EntityRef;
}
/** A commitment aimed at a proposal the subject is part of, shown as inherited. */
export interface InheritedCommitment {
  role: string;
  commitment: CoalitionCommitment;
  from: EntityRef;
}
export interface Coalition {
  subject: EntityRef;
  actors: EntityRef[];
  byKind: { kind: string; commitments: CoalitionCommitment[] }[];
  /** Present where the server has proposal structure (PART_OF). */
  inherited?: InheritedCommitment[];
}

// ---- what this server supports, found by introspection ----

export interface Capabilities {
  /**
   * Where the history API takes an as-of instant: a `matrix(asOf:)`
   * argument or an `asOf` field of CommitmentFilter; null without it.
   */
  asOf: "arg" | "filter" | null;
  /** The GraphQL type of the matrix(asOf:) argument, for the variable declaration. */
  asOfType?: string;
  /** Subscription.commitmentChanged exists. */
  subscription: boolean;
  /** Claim positions, the root disputes query and the matrix's stance layer exist. */
  disagreement?: boolean;
  /** The root changes(since:) query exists. */
  changes?: boolean;
}

/**
 * What the last capability check found, for the queries that ask for more
 * where the server has it (the stance layer, claim positions).
 */
export const server: { disagreement: boolean; changes: boolean; timelineFilter: boolean; matrixPages: boolean } =
  { disagreement: false, changes: false, timelineFilter: false, matrixPages: false };

/**
 * Rows of a matrix page: the server's default, whose cost (cells with their
 * commitments and stances with their claims) stays within its complexity limit.
 */
export const MATRIX_PAGE = 50;

// Two introspection fields: the server refuses documents with more.
const CAPABILITIES = `query DashboardCapabilities {
  __schema {
    subscriptionType { fields { name } }
    queryType { fields { name args { name type { name kind ofType { name } } } } }
  }
  filter: __type(name: "CommitmentFilter") { inputFields { name } }
}`;

interface TypeRef {
  name: string | null;
  kind: string;
  ofType: { name: string | null } | null;
}

interface CapabilityData {
  __schema: {
    subscriptionType: { fields: { name: string }[] } | null;
    queryType: { fields: { name: string; args: { name: string; type: TypeRef }[] }[] } | null;
  };
  filter: { inputFields: { name: string }[] | null } | null;
}

/**
 * Asks the schema whether the history (asOf) and live (commitmentChanged)
 * APIs exist. A server with introspection turned off gets the plain
 * dashboard: no as-of control, refresh by polling.
 */
export async function capabilities(): Promise<Capabilities> {
  try {
    const d = await gql<CapabilityData>(CAPABILITIES);
    const matrix = d.__schema.queryType?.fields.find((f) => f.name === "matrix");
    const arg = matrix?.args.find((a) => a.name === "asOf");
    const argType = arg && (arg.type.kind === "NON_NULL" ? `${arg.type.ofType?.name}!` : arg.type.name);
    const asOf = arg && argType ? "arg" : d.filter?.inputFields?.some((f) => f.name === "asOf") ? "filter" : null;
    const root = new Set(d.__schema.queryType?.fields.map((f) => f.name));
    server.disagreement = root.has("disputes");
    server.changes = root.has("changes");
    server.timelineFilter = !!d.__schema.queryType?.fields.find((f) => f.name === "timeline")?.args.some((a) => a.name === "filter");
    server.matrixPages = !!matrix?.args.some((a) => a.name === "after");
    return {
      asOf,
      asOfType: argType ?? undefined,
      subscription: !!d.__schema.subscriptionType?.fields.some((f) => f.name === "commitmentChanged"),
      disagreement: server.disagreement,
      changes: server.changes,
    };
  } catch {
    return { asOf: null, subscription: false };
  }
}

/** The end of a calendar day as an RFC 3339 instant: "as of 20 August" includes that day. */
export function endOfDay(date: string): string {
  return `${date}T23:59:59Z`;
}

// ---- queries ----

const SOURCE = `source { id file outlet title published { text } }`;
const EVIDENCE = `evidence { quote attributedTo line ${SOURCE} }`;

export function fetchVocabulary(): Promise<{ vocabulary: Vocabulary }> {
  return gql(`query DashboardVocabulary {
    vocabulary { statuses commitmentKinds { kind description statuses } }
  }`);
}

export interface MatrixQuery {
  kinds?: string[];
  statuses?: string[];
  asOf?: string;
}

export function fetchMatrix(q: MatrixQuery, caps: Capabilities, after?: string): Promise<{ matrix: Matrix }> {
  const filter: Record<string, unknown> = {};
  if (q.kinds?.length) filter.kinds = q.kinds;
  if (q.statuses?.length) filter.statuses = q.statuses;
  // asOf is sent only to a server whose schema has it, so that an older
  // server never sees an unknown argument.
  const asOf = caps.asOf && q.asOf ? endOfDay(q.asOf) : "";
  if (asOf && caps.asOf === "filter") filter.asOf = asOf;
  const asArg = !!asOf && caps.asOf === "arg";
  // A server that pages the matrix is asked for one page and where it ends;
  // an older one answers every row at once.
  const paged = server.matrixPages;
  const vars = [`$filter: CommitmentFilter`, asArg ? `$asOf: ${caps.asOfType}` : "", paged ? "$first: Int, $after: String" : ""].filter(Boolean);
  const args = ["filter: $filter", asArg ? "asOf: $asOf" : "", paged ? "first: $first, after: $after" : ""].filter(Boolean);
  const query = `query DashboardMatrix(${vars.join(", ")}) {
    matrix(${args.join(", ")}) {
      kinds${paged ? " totalCount pageInfo { hasNextPage endCursor }" : ""}
      rows { actor { id name kind } total cells { kind status commitmentCount evidenceCount commitments { id status target { id name } } }${caps.disagreement ? " stances { kind state discussedBy claims { id text subject { id } } }" : ""} }
    }
  }`;
  const variables: Record<string, unknown> = { filter };
  if (asArg) variables.asOf = asOf;
  if (paged) Object.assign(variables, { first: MATRIX_PAGE, after: after ?? null });
  return gql(query, variables);
}

const commitmentDetail = () => (server.disagreement ? "corroboration " : "") + COMMITMENT_DETAIL;
const COMMITMENT_DETAIL = `
  id kind status summary conditions date { text } version
  history { version status recordedAt recordedBy reason validFrom retracted }
  actor { id name kind }
  statedBy { id name }
  target { id name kind }
  ${EVIDENCE}`;

const targetClaims = () => server.disagreement
  ? `claims { topic disputed positions { position corroboration claims { id text ${EVIDENCE} } } }`
  : `claims { topic disputed claims { id text ${EVIDENCE} } }`;

// The claims about each commitment's target come in one query per distinct
// target: asked for inside a page of commitments they would be counted once
// per commitment, and the page would cost more than the server allows.
async function withTargetClaims(cs: Commitment[]): Promise<Commitment[]> {
  const ids = [...new Set(cs.map((c) => c.target.id))];
  const found = await Promise.all(
    ids.map(async (id) => {
      const d = await gql<{ entity: { claims: ClaimTopic[] } | null }>(
        `query DashboardTargetClaims($id: ID!) { entity(id: $id) { ${targetClaims()} } }`,
        { id },
      );
      return [id, d.entity?.claims ?? []] as const;
    }),
  );
  const claims = new Map<string, ClaimTopic[]>(found);
  return cs.map((c) => ({ ...c, target: { ...c.target, claims: claims.get(c.target.id) } }));
}

/** A cell's commitments, as of a day when the server has the history API (so the panel matches the cell). */
export async function fetchCell(actor: string, kind: string, asOf: string, caps: Capabilities): Promise<{ commitments: { nodes: Commitment[] } }> {
  const filter: Record<string, unknown> = { actors: [actor], kinds: [kind] };
  if (asOf && caps.asOf === "filter") filter.asOf = endOfDay(asOf);
  const d = await gql<{ commitments: { nodes: Commitment[] } }>(
    `query DashboardCell($filter: CommitmentFilter) {
      commitments(filter: $filter, first: 100) { nodes { ${commitmentDetail()} } }
    }`,
    { filter },
  );
  return { commitments: { nodes: await withTargetClaims(d.commitments.nodes) } };
}

export async function fetchCommitment(id: string): Promise<{ commitment: Commitment | null }> {
  const d = await gql<{ commitment: Commitment | null }>(
    `query DashboardCommitment($id: ID!) { commitment(id: $id) { ${commitmentDetail()} } }`,
    { id },
  );
  return { commitment: d.commitment && (await withTargetClaims([d.commitment]))[0] };
}

/** Commitments by id, for a network node: every edge that touches it. */
export async function fetchCommitments(ids: string[]): Promise<Commitment[]> {
  if (!ids.length) return [];
  const d = await gql<{ commitments: { nodes: Commitment[] } }>(
    `query DashboardCommitments($ids: [ID!]) {
      commitments(filter: { ids: $ids }, first: 100) { nodes { ${commitmentDetail()} } }
    }`,
    { ids },
  );
  return withTargetClaims(d.commitments.nodes);
}

/**
 * Claims with their evidence, by id: one query per subject (what an entity's
 * claims cost is within the complexity limit; all claims at once are not).
 */
export async function fetchClaims(claims: StanceClaim[]): Promise<Map<string, Claim>> {
  const subjects = [...new Set(claims.map((c) => c.subject.id))];
  const found = await Promise.all(subjects.map((id) =>
    gql<{ entity: { claims: { claims: Claim[] }[] } | null }>(
      `query DashboardClaims($id: ID!) { entity(id: $id) { claims { claims { id text ${EVIDENCE} } } } }`,
      { id },
    )));
  const out = new Map<string, Claim>();
  for (const d of found) for (const t of d.entity?.claims ?? []) for (const c of t.claims) out.set(c.id, c);
  return out;
}

export interface SourceText extends Source {
  text: string;
}

export function fetchSource(id: string): Promise<{ source: SourceText | null }> {
  return gql(`query DashboardSource($id: ID!) { source(id: $id) { id file outlet title published { text } text } }`, { id });
}

export function fetchProposals(): Promise<{ entities: EntityRef[] }> {
  return gql(`query DashboardProposals { entities(kinds: [PROPOSAL]) { id name kind } }`);
}

export function fetchCoalition(id: string, alsoTargets: string[]): Promise<{ coalition: Coalition }> {
  return gql(
    `query DashboardCoalition($id: ID!, $also: [ID!]) {
      coalition(id: $id, alsoTargets: $also) {
        subject { id name kind }
        actors { id name kind }
        byKind { kind commitments { id kind status actor { id name kind } target { id name kind } } }${server.disagreement
          ? " inherited { role commitment { id kind status actor { id name kind } target { id name kind } } from { id name kind } }" : ""}
      }
    }`,
    { id, also: alsoTargets },
  );
}

/**
 * Events and commitments. Where the server's timeline takes a commitment
 * filter, the filter and as-of go to it; otherwise only the day goes, as
 * `to`, and the caller filters the commitments.
 */
export function fetchTimeline(q: MatrixQuery): Promise<{ timeline: TimelineEntry[] }> {
  if (server.timelineFilter) {
    const filter: Record<string, unknown> = {};
    if (q.kinds?.length) filter.kinds = q.kinds;
    if (q.statuses?.length) filter.statuses = q.statuses;
    if (q.asOf) filter.asOf = endOfDay(q.asOf);
    return gql(`query DashboardTimelineFiltered($filter: CommitmentFilter) {
      timeline(filter: $filter) {
        date { text }
        undated
        type
        event { id name description }
        commitment { id kind status summary actor { id name } target { id name } }
      }
    }`, { filter });
  }
  const to = q.asOf ?? "";
  return gql(`query DashboardTimeline($to: String) {
    timeline(to: $to) {
      date { text }
      type
      event { id name description }
      commitment { id kind status summary actor { id name } target { id name } }
    }
  }`, to ? { to } : {});
}
