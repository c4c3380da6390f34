import type { FaultAction, ProxiedRequest } from '@plexus/testkit';

/** A task as DescribeTasks returns it in JSON (only the fields the tests edit are named). */
export type DescribedTask = Record<string, unknown> & { taskArn: string };

/**
 * A fault-proxy hook that passes `edit` every task of moto's DescribeTasks answers, for task fields moto never
 * sets on its own (other states, availabilityZone); every other request passes through untouched.
 */
export function editDescribedTasks(edit: (task: DescribedTask) => void) {
  return (req: ProxiedRequest): FaultAction =>
    req.action === 'DescribeTasks'
      ? {
          rewrite: (body) => {
            const doc = JSON.parse(body) as { tasks: DescribedTask[] };
            for (const t of doc.tasks) edit(t);
            return JSON.stringify(doc);
          },
        }
      : undefined;
}
