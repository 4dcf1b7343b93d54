export { dropSnapshots, forEveryReader, keepSnapshot, readSnapshot } from './snapshots.ts';
