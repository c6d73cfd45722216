/**
 * ZooKeeper layout shared by every process. Both registries and the election parent are
 * persistent "directories"; everything a node puts under them is ephemeral, so it vanishes
 * with the node's session.
 */
export const ELECTION_PATH = '/election';
export const COORDINATORS_REGISTRY_PATH = '/coordinators_service_registry';
export const WORKERS_REGISTRY_PATH = '/workers_service_registry';

/**
 * Election znodes are "protected" (Curator's term): `<candidateId>-n_<10-digit sequence>`.
 * The candidate id is unique per process+session attempt, so after a connection loss during
 * create the node can find the znode the server may have created for it.
 */
export const ELECTION_ZNODE_INFIX = '-n_';

/** A znode name we accept as an election znode: `<32 hex>-n_<10 digits>`. */
export const ELECTION_ZNODE_PATTERN = /^[0-9a-f]{32}-n_[0-9]{10}$/;

/** Node ids on the wire are election znode names; this is the JSON-schema form of the pattern. */
export const NODE_ID_SCHEMA_PATTERN = '^[0-9a-f]{32}-n_[0-9]{10}$';

export interface ParsedElectionZnode {
  name: string;
  candidateId: string;
  sequence: number;
}

/** Parses an election znode name; returns null for anything that is not one (garbage is skipped, never fatal). */
export function parseElectionZnode(name: string): ParsedElectionZnode | null {
  if (!ELECTION_ZNODE_PATTERN.test(name)) return null;
  const at = name.lastIndexOf(ELECTION_ZNODE_INFIX);
  return {
    name,
    candidateId: name.slice(0, at),
    sequence: Number(name.slice(at + ELECTION_ZNODE_INFIX.length)),
  };
}

/**
 * `n_0000000007`: the readable tail of an election znode name (the candidate id is random noise
 * to a reader). Anything that is not one is shown as it is.
 */
export function shortId(name: string): string {
  const at = name.lastIndexOf(ELECTION_ZNODE_INFIX);
  return at >= 0 ? name.slice(at + 1) : name;
}

/** Orders election znodes by their sequence suffix only (the prefix is random). */
export function compareBySequence(a: ParsedElectionZnode, b: ParsedElectionZnode): number {
  return a.sequence - b.sequence;
}
