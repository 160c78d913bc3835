export { ExportsReadModule } from './exports.module';
export { EventFeedQueryDto, FEED_MAX_LIMIT } from './exports.dto';
export {
  feedLine,
  type FeedEnd,
  type FeedLine,
  type FeedOptions,
  type FeedPage,
  pseudonymKeyName,
  Pseudonymiser,
  readFeed,
  redact,
} from './event-feed';
export {
  FEED_CLASSIFICATION,
  FEED_SCHEMA_VERSION,
  type FieldRule,
  isClassified,
  type Shape,
} from './feed-classification';
export { FEED_SCHEMA_HEADER, NEXT_POSITION_TRAILER } from './exports.controller';
