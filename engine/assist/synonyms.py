"""Concepts of the subject and the words learners (and our material) use for each.

A phrase found in a passage or a question adds the concept's token (``~bce``) next to its own
words, so "log loss", "binary cross-entropy" and "BCE" meet at one index term while the plain
words keep matching as written. Phrases are written as people type them; they go through the
same folding and stemming as the text, so plurals, hyphens and Greek letters need no variants.
"""

from __future__ import annotations

# A table: a concept on a line or two reads better than one phrase a line.
# fmt: off
CONCEPTS: dict[str, tuple[str, ...]] = {
    # losses
    "bce": ("binary cross entropy", "bce", "log loss", "logistic loss", "binary log loss",
            "bernoulli likelihood", "sigmoid cross entropy", "binary classifier",
            "binary classification", "yes no classifier"),
    "cce": ("categorical cross entropy", "softmax cross entropy", "cce", "multiclass cross entropy",
            "multi class cross entropy", "sparse categorical"),
    "xent": ("cross entropy", "crossentropy", "xent", "ce loss"),
    "nll": ("negative log likelihood", "nll", "maximum likelihood", "mle", "log likelihood"),
    "mse": ("mean squared error", "mean square error", "mse", "squared error", "l2 loss",
            "quadratic loss", "least squares", "sum of squares", "squared loss"),
    "mae": ("mean absolute error", "mae", "absolute error", "l1 loss", "absolute loss",
            "absolute deviation"),
    "rmse": ("root mean squared error", "root mean square error", "rmse", "root mean square"),
    "huber": ("huber", "smooth l1", "pseudo huber"),
    "hinge": ("hinge", "svm", "support vector", "max margin", "maximum margin"),
    "focal": ("focal", "focal loss"),
    "quantile": ("quantile", "pinball", "percentile", "quantiles"),
    "kl": ("kl divergence", "kullback leibler", "kl", "relative entropy"),
    # regularisation
    "wd": ("weight decay", "l2 regularization", "l2 regularisation", "l2 penalty", "l2 reg",
           "decoupled weight decay", "penalize large weights", "penalise large weights",
           "shrink the weights", "weight penalty"),
    "ridge": ("ridge", "tikhonov", "ridge regression"),
    "lasso": ("lasso", "l1 regularization", "l1 regularisation", "l1 penalty", "l1 reg",
              "soft thresholding"),
    "elastic": ("elastic net", "elasticnet"),
    "dropout": ("dropout", "drop out", "dropping units", "dropping neurons", "inverted dropout"),
    "smoothing": ("label smoothing", "smoothed labels", "smooth labels", "soft targets",
                  "soft labels"),
    "mixup": ("mixup", "mix up", "cutmix", "cut mix"),
    "sam": ("sam", "sharpness aware", "sharpness aware minimization"),
    "earlystop": ("early stopping", "stop early", "stopping early", "patience", "stop training"),
    "clip": ("gradient clipping", "clip", "clipping", "clip the gradient", "clipnorm"),
    "explode": ("exploding gradient", "exploding gradients", "gradient explosion", "blow up",
                "blows up", "blowing up", "nan", "diverge", "divergence", "inf"),
    "vanish": ("vanishing gradient", "vanishing gradients", "saturate", "saturation",
               "saturating", "flat gradient"),
    # optimisers
    "lr": ("learning rate", "lr", "step size", "eta", "learning rates"),
    "sgd": ("sgd", "stochastic gradient descent", "stochastic gradient", "stochastic"),
    "gd": ("gradient descent", "batch gradient descent", "full batch", "steepest descent",
           "vanilla gradient descent"),
    "minibatch": ("mini batch", "minibatch", "batch size", "batches"),
    "momentum": ("momentum", "heavy ball", "polyak", "velocity"),
    "nesterov": ("nesterov", "nag", "look ahead", "lookahead"),
    "adam": ("adam", "adaptive moment", "adamw"),
    "adagrad": ("adagrad", "adaptive gradient"),
    "rmsprop": ("rmsprop", "rms prop"),
    "adaptive": ("adaptive optimizer", "adaptive optimizers", "adaptive learning rate",
                 "per parameter learning rate", "adaptive method"),
    "biascorr": ("bias correction", "bias corrected", "debias", "debiased", "bias correct"),
    "moment1": ("beta1", "first moment"),
    "moment2": ("beta2", "second moment", "squared gradients"),
    "epsilon": ("epsilon", "eps", "fuzz factor"),
    "warmup": ("warmup", "warm up", "warming up"),
    "schedule": ("learning rate schedule", "lr schedule", "schedule", "scheduler", "annealing",
                 "learning rate decay", "lr decay", "decay the learning rate",
                 "lower the learning rate", "reduce the learning rate"),
    "cosine": ("cosine", "cosine annealing", "cosine decay"),
    "cyclic": ("cyclical", "cyclic", "triangular", "one cycle", "1cycle"),
    "plateau": ("plateau", "reduce on plateau", "reducelronplateau", "stuck", "stall",
                "stalls", "not improving", "stops improving"),
    "rangetest": ("lr range test", "range test", "lr finder", "learning rate finder",
                  "lr find"),
    # functions, models and maths
    "sigmoid": ("sigmoid", "logistic function", "sigma", "squash", "squashing"),
    "softmax": ("softmax", "soft max", "normalized exponential", "normalised exponential"),
    "logit": ("logit", "logits", "raw score", "raw scores", "pre activation", "unnormalized"),
    "logsumexp": ("log sum exp", "logsumexp", "lse", "numerically stable", "numerical stability",
                  "overflow", "underflow"),
    "gradient": ("gradient", "derivative", "slope", "grad", "nabla", "partial derivative",
                 "differentiate"),
    "subgradient": ("subgradient", "subdifferential", "kink", "not differentiable",
                    "non differentiable", "undefined derivative"),
    "hessian": ("hessian", "curvature", "second derivative", "eigenvalue"),
    "conditioning": ("ill conditioned", "condition number", "ravine", "elongated", "narrow valley",
                     "zig zag", "zigzag", "oscillate", "oscillation", "oscillating", "bounce",
                     "bounces", "bouncing", "back and forth"),
    "convex": ("convex", "convexity", "bowl", "global minimum", "single minimum"),
    "saddle": ("saddle", "saddle point"),
    "sharp": ("sharp minima", "sharp minimum", "flat minima", "flat minimum", "sharpness",
              "wide minima", "flat region"),
    "landscape": ("loss landscape", "loss surface", "landscape", "error surface"),
    "median": ("median",),
    "outlier": ("outlier", "outliers", "anomaly", "anomalies", "extreme value", "extreme values",
                "robust", "robustness", "heavy tail", "heavy tailed"),
    "residual": ("residual", "residuals", "error term", "prediction error", "mistake",
                 "mistakes"),
    "imbalance": ("imbalance", "imbalanced", "unbalanced", "rare class", "minority class",
                  "majority class", "skewed classes", "class weight", "class weights",
                  "oversampling", "undersampling", "resampling"),
    "threshold": ("decision threshold", "threshold", "cutoff", "cut off"),
    "calibration": ("calibration", "calibrated", "probability estimates", "confident",
                    "overconfident", "confidence", "sure of itself", "certain of itself"),
    "overfit": ("overfitting", "overfit", "overfits", "memorize", "memorise", "generalization gap",
                "generalisation gap", "high variance", "validation loss goes up",
                "validation loss increases"),
    "underfit": ("underfitting", "underfit", "high bias", "too simple"),
    "generalize": ("generalization", "generalisation", "generalize", "generalise",
                   "test error", "unseen data"),
    "regularize": ("regularization", "regularisation", "regularizer", "regulariser",
                   "regularize", "regularise", "penalty", "lambda"),
    "batchnorm": ("batch norm", "batchnorm", "batch normalization", "batch normalisation",
                  "layer norm", "normalization layer"),
    "init": ("initialization", "initialisation", "init", "initial weights", "starting point"),
    "margin": ("margin", "margins", "distance to the boundary"),
    "probability": ("probability", "probabilities", "likelihood"),
    "closedform": ("closed form", "normal equation", "normal equations", "analytic solution",
                   "analytical solution", "exact solution", "solve directly", "without iterating",
                   "without iteration", "without gradient descent", "in one step"),
    "quadratic": ("quadratic", "squared", "square of", "squaring"),
    "large": ("large", "big", "huge", "bigger", "larger", "enormous"),
    "small": ("small", "tiny", "smaller", "little"),
    "loss": ("loss function", "cost function", "objective function", "error function",
             "criterion"),
    "metric": ("metric", "metrics", "accuracy", "f1", "precision", "recall", "auc",
               "evaluation measure"),
    "curve": ("loss curve", "loss curves", "training curve", "learning curve", "loss plot"),
    "units": ("units", "same units", "scale of the target", "interpretable"),
}
# fmt: on

# Subjects next to the material that it does not teach. A doubt that names one of them and
# none of the material's own subjects is answered "not covered" (with the topics that mention
# it), rather than with passages that mention it in passing ("Transformers are trained with
# AdamW"). A map of the neighbourhood, written before the off-topic benchmark cases.
# fmt: off
OUTSIDE: dict[str, tuple[str, ...]] = {
    "transformers": ("transformer", "transformers", "attention", "self attention",
                     "multi head", "positional encoding", "encoder decoder", "bert", "gpt",
                     "llm", "llms", "large language model", "language model", "tokenizer",
                     "tokenize", "tokenization", "word embedding", "word2vec", "glove",
                     "prompt engineering", "fine tuning", "fine tune", "lora", "rag"),
    "convnets": ("convolutional", "convolution", "cnn", "cnns", "convnet", "resnet", "pooling",
                 "max pooling", "feature map", "object detection", "image segmentation", "yolo"),
    "recurrent": ("recurrent", "rnn", "rnns", "lstm", "gru", "backpropagation through time",
                  "bptt", "seq2seq"),
    "generative": ("gan", "gans", "generative adversarial", "generator", "discriminator",
                   "diffusion model", "diffusion models", "autoencoder", "vae",
                   "variational autoencoder", "normalizing flow"),
    "trees": ("decision tree", "decision trees", "random forest", "random forests",
              "gradient boosting", "boosted trees", "xgboost", "lightgbm", "catboost", "bagging"),
    "unsupervised": ("clustering", "k means", "kmeans", "pca", "principal component",
                     "principal components", "dimensionality reduction", "t sne", "tsne", "umap",
                     "dbscan", "gaussian mixture"),
    "reinforcement": ("reinforcement learning", "bellman", "q learning", "policy gradient",
                      "markov decision", "reward function"),
    "engineering": ("docker", "kubernetes", "deploy", "deployment", "sql", "pandas",
                    "dataframe", "web server", "cloud"),
}
OUTSIDE_NAMES: dict[str, str] = {
    "transformers": "transformers and language models",
    "convnets": "convolutional networks",
    "recurrent": "recurrent networks (RNN, LSTM)",
    "generative": "generative models (GANs, diffusion, autoencoders)",
    "trees": "tree models (decision trees, forests, boosting)",
    "unsupervised": "unsupervised learning (clustering, PCA)",
    "reinforcement": "reinforcement learning",
    "engineering": "software engineering and deployment",
}
# fmt: on

# Words that carry no topic on their own: question words, filler and the vocabulary of asking.
_FILLERS = """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can could did do does doing don down during each
    few for from further had has have having he her here hers him his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our
    ours out over own same she should so some such than that the their them then there these
    they this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours yourself
    actually always anyone anything basically bit doesnt dont either else ever every exactly
    explain explained explanation get gets getting give go goes going got happen happened happens
    happening help hey hi hello isnt kind know let like lot lots make makes making many matter
    matters much need needs ok okay please pretty really say says see seem seems someone
    something sometimes sort still sure tell thing things think thought understand understanding
    use used uses using want wants way ways well whats whereas wont work works working yet
    difference differences different differ compare compared comparison versus vs instead
    rather mean meaning means purpose point role actual doing done one ones
"""
STOPWORDS = frozenset(_FILLERS.split())
# Phrases are matched before stopwords are dropped, so "mean" is a filler in "what does X
# mean" yet still part of "mean squared error".
