/** Public surface of the Tallyfy client. Import from here. */
export * from './client';
export * from './errors';
export * from './types';
export type { RequestInfo, RequestOptions, QueryValue } from './http';
export type { ListQuery } from './endpoints/context';
export type * from './endpoints/tasks';
export type * from './endpoints/runs';
export type * from './endpoints/templates';
export type * from './endpoints/people';
export type * from './endpoints/organize';
export type * from './endpoints/comments';
export { hasMorePages, nextLink, normalisePagination } from './pagination';
