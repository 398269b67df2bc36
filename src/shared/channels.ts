// Channel names only, so that the sandboxed preload can check them without bundling any schema code.
export const invokeChannels = [
  'app:info',
  'dataset:info',
  'dataset:page',
  'dataset:sample',
  'dataset:samples',
  'model:predict',
  'model:read',
  'model:evaluate',
  'model:explain',
  'model:filters',
  'training:start',
  'training:stop',
  'training:status',
  'runs:list',
  'runs:metrics',
  'runs:activate',
  'runs:delete',
  'runs:annotate',
  'training:queue',
  'model:export',
  'model:import',
  'digits:list',
  'digits:save',
  'digits:relabel',
  'digits:delete',
  'digits:export',
  'digits:import',
  'training:augmentPreview',
  'training:finetune',
  'training:backends',
  'training:chooseBackend',
  'model:neighbours',
  'runs:epochHistory',
  'runs:epochExplain',
] as const;

export const eventChannels = ['training:progress', 'training:epoch', 'training:done', 'training:error', 'model:changed', 'engine:status'] as const;

export type InvokeChannel = (typeof invokeChannels)[number];
export type EventChannel = (typeof eventChannels)[number];
