import { Listr, PRESET_TIMER, PRESET_TIMESTAMP, type ListrTask } from 'listr2';
import type { Reporter } from './context.js';

/** How progress is shown: live (TTY), one plain line per event (CI, pipes), or not at all. */
export type ProgressMode = 'live' | 'plain' | 'silent';

export interface TaskSpec {
  readonly title: string;
  /** A reason to skip (shown), or false. Evaluated when the task's turn comes. */
  readonly skip?: () => string | false;
  readonly run: (report: Reporter) => Promise<void>;
}

/**
 * Runs tasks in order through listr2. Failures propagate unchanged (typed errors keep
 * their exit codes); listr2's own signal handling stays off: the CLI owns Ctrl-C.
 */
export async function runTasks(specs: readonly TaskSpec[], mode: ProgressMode): Promise<void> {
  const tasks: ListrTask[] = specs.map((spec) => ({
    title: spec.title,
    skip: () => spec.skip?.() ?? false,
    task: async (_ctx, task) => {
      const report: Reporter = {
        say: (line) => {
          task.output = line;
        },
        retitle: (title) => {
          task.title = title;
        },
      };
      await spec.run(report);
    },
    rendererOptions: { persistentOutput: true, outputBar: Number.POSITIVE_INFINITY },
  }));
  const list = new Listr(tasks, {
    concurrent: false,
    exitOnError: true,
    registerSignalListeners: false,
    renderer: 'default',
    fallbackRenderer: 'verbose',
    fallbackRendererCondition: mode === 'plain',
    silentRendererCondition: mode === 'silent',
    rendererOptions: { collapseSubtasks: false, timer: PRESET_TIMER },
    fallbackRendererOptions: { logTitleChange: true, timestamp: PRESET_TIMESTAMP, timer: PRESET_TIMER },
  });
  await list.run();
}
