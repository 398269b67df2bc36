// What crosses the contract when the window looks inside the network or at a model's mistakes.

/** One layer's output for one input: conv and pool layers [height, width, channels], dense layers [units]. */
export interface LayerActivation {
  name: string;
  shape: number[];
  /** Row-major, channels last (tfjs's layout). */
  values: number[];
}

/** One learned filter as a small image of weights (any sign). */
export interface FilterImage {
  width: number;
  height: number;
  values: number[];
}

/** Every layer's activations and a saliency map for one 28×28 input. */
export interface ModelExplanation {
  label: number;
  probabilities: number[];
  layers: LayerActivation[];
  /** 784 values: gradient × input of the top class's probability. */
  saliency: number[];
  saliencyMethod: 'gradient × input';
}

/** Precision, recall and F1 of one digit on the test split. */
export interface ClassMetrics {
  digit: number;
  precision: number;
  recall: number;
  f1: number;
  /** How many test digits carry this label. */
  support: number;
}

/** A test digit the model gets wrong. */
export interface Misclassified {
  index: number;
  label: number;
  predicted: number;
  /** The probability the model gave its (wrong) answer. */
  probability: number;
}

/** A model on a whole split: loss, accuracy, the confusion matrix and its per-class view, and the mistakes. */
export interface Evaluation {
  loss: number;
  accuracy: number;
  /** confusion[true digit][predicted digit] counts. */
  confusion: number[][];
  perClassAccuracy: number[];
  perClass: ClassMetrics[];
  /** Every sample the model gets wrong, most confident mistakes first. */
  errors: Misclassified[];
  count: number;
}
