// A training replica: holds a copy of the model, and for each request loads the coordinator's weights
// and returns the gradients of its share of the batch.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, tf } from '../../runtime/backend.ts';
import { Augmenter } from '../../data/augment.ts';
import { flatten, shareGradients, trainableVariables, unflatten } from './gradients.ts';
import type { ReplicaInput, ReplicaReply, ReplicaRequest } from './replica-messages.ts';
import { messageOf } from '../../../shared/message.ts';

const { topology, split, augment } = workerData as ReplicaInput;

async function start(): Promise<void> {
  await initBackend();
  const model = await tf.models.modelFromJSON({ modelTopology: JSON.parse(topology) });
  const variables = trainableVariables(model);
  const augmenter = augment ? new Augmenter(augment.spec, augment.seed) : null;
  parentPort!.on('message', ({ indices, weights, epoch }: ReplicaRequest) => {
    let reply: ReplicaReply;
    try {
      const values = unflatten(weights, variables);
      variables.forEach((v, k) => v.assign(values[k]));
      tf.dispose(values);
      const result = shareGradients(model, split, indices, augmenter ? { augmenter, epoch } : undefined);
      reply = { grads: flatten(result.grads), loss: result.loss, correct: result.correct, count: result.count };
      tf.dispose(result.grads);
    } catch (err) {
      reply = { error: messageOf(err) };
    }
    parentPort!.postMessage(reply, 'grads' in reply ? [reply.grads.buffer as ArrayBuffer] : []);
  });
}

void start();
