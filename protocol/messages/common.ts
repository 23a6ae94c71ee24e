/** Structs several APIs share (the specs' "commonStructs" of the same shape). */
import type { Reader } from '../reader.js';
import type { WithUnknownTags } from '../types.js';
import type { Writer } from '../writer.js';

/** LeaderIdAndEpoch (KIP-951): where the partition's leader moved, sent back with errors. */
export interface LeaderIdAndEpoch extends WithUnknownTags {
  /** LeaderId, default -1. */
  leaderId: number;
  /** LeaderEpoch, default -1. */
  leaderEpoch: number;
}

/** NodeEndpoint (KIP-951): broker addresses sent with leader changes. */
export interface NodeEndpoint extends WithUnknownTags {
  nodeId: number;
  host: string;
  port: number;
  /** Rack, nullable, default null. */
  rack: string | null;
}

export function defaultLeaderIdAndEpoch(): LeaderIdAndEpoch {
  return { leaderId: -1, leaderEpoch: -1 };
}

/** A tagged struct is written only when it differs from its default (unknown tags included). */
export function isDefaultLeaderIdAndEpoch(l: LeaderIdAndEpoch): boolean {
  return l.leaderId === -1 && l.leaderEpoch === -1 && !l.unknownTaggedFields?.length;
}

/** Flexible versions only (both structs exist only as tagged fields). */
export function writeLeaderIdAndEpoch(w: Writer, l: LeaderIdAndEpoch): void {
  w.int32(l.leaderId).int32(l.leaderEpoch).taggedFields(null, l.unknownTaggedFields);
}

export function readLeaderIdAndEpoch(r: Reader): LeaderIdAndEpoch {
  return r.tagsInto({ leaderId: r.int32(), leaderEpoch: r.int32() });
}

export function writeNodeEndpoints(w: Writer, nodes: readonly NodeEndpoint[]): void {
  w.compactArray(nodes, (w, n) => {
    w.int32(n.nodeId).compactString(n.host).int32(n.port).compactNullableString(n.rack);
    w.taggedFields(null, n.unknownTaggedFields);
  });
}

export function readNodeEndpoints(r: Reader): NodeEndpoint[] {
  return r.compactArray((r) =>
    r.tagsInto({ nodeId: r.int32(), host: r.compactString(), port: r.int32(), rack: r.compactNullableString() }),
  );
}

/** Known tagged fields to write: `[tag, writer]` pairs, in ascending tag order. */
export type TaggedWriters = Array<readonly [number, (w: Writer) => void]>;
