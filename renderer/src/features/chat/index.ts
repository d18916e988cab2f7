/** The chat feature: a protocol client and the views over it. Reused by the web page and the desktop's local pane. */
export { ChatClient, newId, type ChatClientOptions, type ChatCredentials, type SocketLike } from './chatClient';
export { initialChatState, type ChatItem, type ChatState, type ConnectionStatus, type PendingApproval, type ToolChip } from './chatState';
export { ChatView, defaultSuggestions, directSuggestions, ExportChatButton } from './ChatView';
export { ModeBadge } from './ModeBadge';
export { ConnectionBadge } from './ConnectionBadge';
export { useChatState } from './useChat';
