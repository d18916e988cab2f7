import type { ToolHost, ToolInfo, ToolOutcome } from '../../mcp/toolHost';

/** A task in the in-memory store. */
export interface MemoryTask {
  id: string;
  title: string;
  status: 'active' | 'completed';
  assignee: string;
}

/**
 * A small real {@link ToolHost} over an in-memory task list, for agent tests and demos without MCP:
 * `list_tasks`, `get_task` (read-only), `complete_task` (writes), `delete_task` (destructive),
 * `wait` (read-only, sleeps `ms`, honours cancellation) and `broken` (its host throws).
 */
export class MemoryToolHost implements ToolHost {
  readonly tasks: MemoryTask[];
  /** How many times listTools was called. */
  listCalls = 0;
  /** Tool names in the order they started. */
  readonly started: string[] = [];
  closed = false;

  constructor(tasks?: MemoryTask[]) {
    this.tasks = tasks ?? [
      { id: 't1', title: 'Approve invoice 1042', status: 'active', assignee: 'alice' },
      { id: 't2', title: 'Call the new supplier', status: 'active', assignee: 'bob' },
      { id: 't3', title: 'File Q3 report', status: 'completed', assignee: 'alice' },
    ];
  }

  async listTools(): Promise<ToolInfo[]> {
    this.listCalls++;
    const object = (properties: Record<string, unknown>, required: string[] = []): ToolInfo['inputSchema'] => ({ type: 'object', properties, required });
    return [
      { name: 'list_tasks', description: 'Lists tasks, optionally by status.', inputSchema: object({ status: { type: 'string', enum: ['active', 'completed'] } }), annotations: { readOnlyHint: true } },
      { name: 'get_task', description: 'Gets one task by id.', inputSchema: object({ id: { type: 'string' } }, ['id']), annotations: { readOnlyHint: true } },
      { name: 'complete_task', description: 'Marks a task completed.', inputSchema: object({ id: { type: 'string' } }, ['id']), annotations: { readOnlyHint: false } },
      { name: 'delete_task', description: 'Deletes a task.', inputSchema: object({ id: { type: 'string' } }, ['id']), annotations: { readOnlyHint: false, destructiveHint: true } },
      { name: 'wait', description: 'Waits ms milliseconds.', inputSchema: object({ ms: { type: 'number' } }, ['ms']), annotations: { readOnlyHint: true } },
      { name: 'broken', description: 'Always breaks.', inputSchema: object({}), annotations: { readOnlyHint: true } },
    ];
  }

  async callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome> {
    if (this.closed) throw new Error('tool host closed');
    if (signal?.aborted) throw new Error('aborted');
    this.started.push(name);
    const find = (): MemoryTask | undefined => this.tasks.find((task) => task.id === args.id);
    switch (name) {
      case 'list_tasks': {
        const data = this.tasks.filter((task) => args.status === undefined || task.status === args.status);
        return { text: JSON.stringify({ data }), isError: false };
      }
      case 'get_task': {
        const task = find();
        return task ? { text: JSON.stringify(task), isError: false } : { text: `No task with id ${String(args.id)}.`, isError: true };
      }
      case 'complete_task': {
        const task = find();
        if (!task) return { text: `No task with id ${String(args.id)}.`, isError: true };
        task.status = 'completed';
        return { text: JSON.stringify(task), isError: false };
      }
      case 'delete_task': {
        const index = this.tasks.findIndex((task) => task.id === args.id);
        if (index < 0) return { text: `No task with id ${String(args.id)}.`, isError: true };
        this.tasks.splice(index, 1);
        return { text: 'deleted', isError: false };
      }
      case 'wait':
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, Number(args.ms) || 0);
          signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new Error('aborted'));
          });
        });
        return { text: `waited ${String(args.ms)} ms`, isError: false };
      case 'broken':
        throw new Error('the tool server crashed');
      default:
        return { text: `Unknown tool ${name}`, isError: true };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
