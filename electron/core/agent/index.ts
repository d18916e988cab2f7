/** The agent: Claude answering with a session's tools. Import from here. */
export { createAgent, agentSettingsSchema, type Agent, type AgentOptions, type AgentRunInput } from './agent';
export { Conversation, type HistoryMessage } from './conversation';
export { AgentError, type AgentErrorCode } from './errors';
export type {
  AgentEvent,
  AgentRunResult,
  AgentStopReason,
  AgentUsage,
  ApprovalAnswer,
  ApprovalReply,
  ApprovalPolicy,
  ApprovalRequest,
  RequestApproval,
  ToolCallRecord,
} from './events';
export { buildSystemPrompt, agentUserSchema, type AgentUser } from './systemPrompt';
export { parseDirectCommand, noApiKeyMessage } from './directCommand';
export { answerForModel, questionFromResult, type AskUser, type UserAnswer, type UserQuestion, type UserQuestionField } from './userQuestions';
