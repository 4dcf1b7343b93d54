export { dropSnapshots, keepSnapshot, readSnapshot, snapshotScope } from './snapshots.ts';
