/** The WebSocket protocol between the gateway and its clients (docs/protocol.md). Pure: no Node, no DOM. */
export * from './answerOffset';
export * from './clientMessages';
export * from './codec';
export * from './errorCodes';
export * from './extensions';
export * from './serverMessages';
