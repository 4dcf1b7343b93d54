export { dropSnapshots, keepSnapshot, readSnapshot } from './snapshots.ts';
