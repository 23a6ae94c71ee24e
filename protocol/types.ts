/** Shapes shared by every message codec. */

/** A tagged field the codec does not know (KIP-482), kept so it can be written back as it came. */
export interface TaggedField {
  readonly tag: number;
  readonly data: Buffer;
}

/**
 * Structs of flexible versions may carry tagged fields this client does not know; decoding
 * keeps them here (only when there are some) and encoding writes them back.
 */
export interface WithUnknownTags {
  unknownTaggedFields?: TaggedField[];
}
