import { v7 } from 'uuid';

/** Time-ordered UUIDv7: mintable on any node, and newer rows sort after older ones. */
export const newId = (): string => v7();
