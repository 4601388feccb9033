"""Retrieval quality of Ask Descent on the shipped content: learners' questions in their own
words (not copied from the material) and the topic that must be among the top three answers;
the passage that answers; off-topic doubts that must be told "not covered"; and held-out tables
written after tuning. ``python -m tests.bench.ask_bench`` prints every figure."""

from __future__ import annotations

import pytest

from content import ContentSet
from content.passages import build_index
from engine.assist import AssistIndex

HIT_RATE = 0.90
TOP = 3
OFF_TOPIC_RATE = 0.85  # share of off-topic doubts that must be told "not covered"
PASSAGE_TOP1, PASSAGE_TOP3 = 0.55, 0.85  # the answering passage first, and in the first three

# (question as a learner would type it, topic that must appear in the top 3 answers)
CASES: list[tuple[str, str]] = [
    ("why does squaring the errors make my model care so much about a few bad points?", "mse"),
    ("is there a way to get the best linear regression weights directly without iterating?", "mse"),
    ("what noise assumption is hiding behind squared error?", "mse"),
    ("why is MAE's gradient constant?", "mae"),
    ("which single number minimises the total absolute difference to my targets?", "mae"),
    ("how do you take the derivative of |x| at zero", "mae"),
    ("why take the square root of the mean squared error", "rmse"),
    ("should I train on RMSE or only report it?", "rmse"),
    ("a loss that is quadratic for small mistakes but linear for big ones", "huber"),
    ("how should I pick δ for huber", "huber"),
    ("what is smooth l1", "huber"),
    ("why does log loss blow up when the model is confidently wrong", "binary-cross-entropy"),
    ("gradient of BCE with respect to the logit", "binary-cross-entropy"),
    ("how do I compute binary cross-entropy without getting nan", "binary-cross-entropy"),
    (
        "why do people subtract the max before exponentiating in softmax",
        "categorical-cross-entropy",
    ),
    (
        "why is the gradient of softmax with cross entropy just p minus y",
        "categorical-cross-entropy",
    ),
    ("how is cross entropy related to KL divergence", "categorical-cross-entropy"),
    ("what does the margin of 1 mean in the SVM loss", "hinge-loss"),
    ("why can't an SVM give me probabilities", "hinge-loss"),
    ("my dataset is 99% negatives, what should I change in the loss", "class-imbalance"),
    ("what does the γ in focal loss do", "class-imbalance"),
    ("why do we step against the gradient", "gradient-descent"),
    ("is the noise of stochastic gradient descent actually useful", "gradient-descent"),
    ("full batch or mini batches, which uses the hardware better", "gradient-descent"),
    ("what goes wrong if the step size is too big on a quadratic", "gradient-descent"),
    ("how does a heavy ball stop the zig zag in a narrow valley", "momentum"),
    ("what does the Nesterov look-ahead do differently", "momentum"),
    ("what is a typical β for momentum and why", "momentum"),
    ("what does the epsilon in Adam do", "adaptive-optimizers"),
    ("why does adam need bias correction at the start", "adaptive-optimizers"),
    ("why does adagrad stop learning after a while", "adaptive-optimizers"),
    ("what are β1 and β2 for", "adaptive-optimizers"),
    ("difference between L2 and weight decay", "weight-decay"),
    ("why was AdamW invented", "weight-decay"),
    ("why does lasso set some coefficients exactly to zero", "regularized-linear-models"),
    ("do I need to standardise my features before ridge", "regularized-linear-models"),
    ("what does λ control in ridge regression", "regularized-linear-models"),
    ("why warm up the lr at the start of training a transformer", "lr-schedules"),
    ("how do I find a good learning rate quickly", "lr-schedules"),
    ("what is cosine annealing", "lr-schedules"),
    ("when should I stop training once validation loss starts rising", "early-stopping-clipping"),
    ("my gradients explode in an rnn, what can I do", "early-stopping-clipping"),
    ("why scale the kept activations up during training with dropout", "dropout"),
    ("is randomly switching off neurons like training an ensemble", "dropout"),
    ("what is label smoothing good for", "advanced-regularization"),
    ("how does blending two training images and their labels help", "advanced-regularization"),
    ("what is sharpness aware minimization", "advanced-regularization"),
    ("are flat minima really better for generalization", "loss-landscapes"),
    ("how can you plot the loss surface of a net with millions of weights", "loss-landscapes"),
    ("training loss goes down but validation loss goes up", "loss-curves"),
    ("my loss curve is flat right from the beginning", "loss-curves"),
    ("what loss should I expect at initialization with 10 classes", "loss-curves"),
    ("why do we need a loss function at all", "loss-functions-purpose"),
    ("why do optimizers prefer convex objectives", "loss-functions-purpose"),
    ("how do I pick a loss for a brand new problem", "choosing-a-loss"),
    ("SGD vs stochastic gradient descent with mini-batches: what is an epoch", "gradient-descent"),
    ("what does eps do in rmsprop", "adaptive-optimizers"),
    ("is log loss the same thing as binary cross entropy", "binary-cross-entropy"),
    # written after the analyser was tuned on the cases above, and kept as a check on overfitting
    ("why is the mean the best constant guess under squared loss", "mse"),
    ("what happens to mean absolute error training near the optimum", "mae"),
    ("is RMSE in the same units as my target", "rmse"),
    ("what does the threshold in Huber decide", "huber"),
    ("why is sigmoid paired with log loss", "binary-cross-entropy"),
    ("what is the log-sum-exp trick for", "categorical-cross-entropy"),
    ("how does hinge loss handle more than two classes", "hinge-loss"),
    ("should I resample or reweight the rare class", "class-imbalance"),
    ("why use minibatches instead of the whole dataset", "gradient-descent"),
    ("how big can the learning rate be before gradient descent diverges", "gradient-descent"),
    ("velocity in momentum: what is it", "momentum"),
    ("how does RMSProp fix AdaGrad", "adaptive-optimizers"),
    ("does L2 regularization work the same in Adam", "weight-decay"),
    ("what is elastic net", "regularized-linear-models"),
    ("step decay vs exponential decay of the lr", "lr-schedules"),
    ("how much patience should early stopping have", "early-stopping-clipping"),
    ("clip by norm or clip by value", "early-stopping-clipping"),
    ("do I turn dropout off at test time", "dropout"),
    ("what is cutmix", "advanced-regularization"),
    ("what does the hessian tell me about a minimum", "loss-landscapes"),
    ("my loss is very noisy and spiky", "loss-curves"),
    ("training and validation loss both high", "loss-curves"),
    ("what is empirical risk", "loss-functions-purpose"),
    ("which loss for predicting the 90th percentile", "choosing-a-loss"),
    ("why isn't accuracy used as the training loss", "loss-functions-purpose"),
]


# (question, the passages that answer it, as "topic#anchor"): the passage a learner should
# read first must be among them. Labelled by reading the material, not by running the search.
PASSAGE_CASES: list[tuple[str, tuple[str, ...]]] = [
    (
        "why does squaring the errors make my model care so much about a few bad points?",
        ("mse#insight-1",),
    ),
    ("what noise assumption is hiding behind squared error?", ("mse#insight-2", "mse#step-4")),
    (
        "which single number minimises the total absolute difference to my targets?",
        ("mae#step-2", "mae#insight-2"),
    ),
    ("why take the square root of the mean squared error", ("rmse#summary", "rmse#step-1")),
    (
        "a loss that is quadratic for small mistakes but linear for big ones",
        ("mae#step-6", "huber#formula-1", "huber#summary"),
    ),
    ("what is smooth l1", ("huber#formula-3", "huber#step-7", "mae#step-6")),
    ("gradient of BCE with respect to the logit", ("binary-cross-entropy#formula-5",)),
    (
        "why do people subtract the max before exponentiating in softmax",
        ("categorical-cross-entropy#step-4", "categorical-cross-entropy#insight-2"),
    ),
    (
        "how is cross entropy related to KL divergence",
        (
            "categorical-cross-entropy#formula-5",
            "categorical-cross-entropy#step-5",
            "categorical-cross-entropy#insight-1",
        ),
    ),
    ("why can't an SVM give me probabilities", ("hinge-loss#insight-3", "hinge-loss#step-5")),
    (
        "what does the γ in focal loss do",
        (
            "class-imbalance#step-6",
            "class-imbalance#formula-3",
            "categorical-cross-entropy#formula-7",
        ),
    ),
    (
        "is the noise of stochastic gradient descent actually useful",
        ("gradient-descent#insight-1", "gradient-descent#step-4"),
    ),
    (
        "what goes wrong if the step size is too big on a quadratic",
        ("gradient-descent#formula-3", "gradient-descent#step-2", "loss-landscapes#formula-4"),
    ),
    ("what does the Nesterov look-ahead do differently", ("momentum#step-5", "momentum#formula-3")),
    ("what does the epsilon in Adam do", ("adaptive-optimizers#insight-3",)),
    ("why does adagrad stop learning after a while", ("adaptive-optimizers#step-2",)),
    ("why does Adam generalise worse than SGD?", ("adaptive-optimizers#step-8",)),
    (
        "difference between L2 and weight decay",
        ("weight-decay#insight-1", "weight-decay#formula-2"),
    ),
    (
        "why does lasso set some coefficients exactly to zero",
        (
            "regularized-linear-models#step-5",
            "regularized-linear-models#formula-4",
            "regularized-linear-models#insight-4",
        ),
    ),
    (
        "what does λ control in ridge regression",
        ("regularized-linear-models#step-4", "regularized-linear-models#formula-3"),
    ),
    (
        "how do I find a good learning rate quickly",
        ("lr-schedules#step-6", "lr-schedules#demo-lr-range-test"),
    ),
    (
        "when should I stop training once validation loss starts rising",
        ("early-stopping-clipping#step-1",),
    ),
    ("why scale the kept activations up during training with dropout", ("dropout#step-2",)),
    (
        "what is label smoothing good for",
        ("advanced-regularization#formula-1", "advanced-regularization#insight-3"),
    ),
    ("what is sharpness aware minimization", ("advanced-regularization#step-5",)),
    (
        "how can you plot the loss surface of a net with millions of weights",
        ("loss-landscapes#step-1", "loss-landscapes#summary", "loss-landscapes#insight-3"),
    ),
    (
        "what does eps do in rmsprop",
        ("adaptive-optimizers#insight-3", "adaptive-optimizers#formula-2"),
    ),
]

# Doubts the material does not answer, written to trip the search: neighbouring subjects it
# mentions in passing (transformers, RNNs), ML words it uses in another sense ("gradient
# boosting"), and everyday phrases built from its own words ("weight loss", "Adam Smith").
OFF_TOPIC: list[str] = [
    "what's a transformer",
    "best pizza in Rome",
    "how does self-attention work in a transformer",
    "explain the architecture of BERT",
    "how do GANs train the generator and the discriminator",
    "what is a convolutional neural network",
    "how does a random forest choose its splits",
    "what is gradient boosting in XGBoost",
    "how do I deploy a model with docker",
    "what is the Bellman equation in reinforcement learning",
    "how does k-means clustering pick centroids",
    "what is the capital of France",
    "how do I tokenize text for a language model",
    "what is backpropagation through time in an LSTM",
    "how do I fine-tune a pretrained model with LoRA",
    "what's the weather like tomorrow",
    "how do SQL joins work",
    "how does PCA reduce dimensions",
    "how do decision trees handle missing values",
    "how do diffusion models generate images",
    "how to write a python for loop",
    "what is the time complexity of quicksort",
    "explain positional encoding",
    "who won the world cup",
    "recipe for chocolate cake",
    "what is word2vec",
    "what is a recurrent neural network",
    "who was Adam Smith",
    "weight loss tips for the summer",
    "how to recover from a loss in chess",
    "what is the momentum of a car at 50 km/h",
    "dropout rate of US high schools",
    "how do I train my dog",
    "what is the best learning rate for a student",
    "is the stock market going to crash",
]

# Written after the floor and the ranking were tuned on the tables above, and never tuned on:
# how well the floor generalises, both ways.
HELD_OUT_ON_TOPIC: list[tuple[str, str]] = [
    ("why do big errors dominate mean squared error", "mse"),
    ("what makes mae robust against outliers", "mae"),
    ("when is huber better than mse", "huber"),
    ("why does my binary classifier output nan loss", "binary-cross-entropy"),
    ("what does softmax do to the logits", "categorical-cross-entropy"),
    ("why is hinge loss zero for points beyond the margin", "hinge-loss"),
    ("how do class weights help with rare positives", "class-imbalance"),
    ("why is the negative gradient the direction of steepest descent", "gradient-descent"),
    ("does momentum help escape flat regions", "momentum"),
    ("why is adam insensitive to the scale of the loss", "adaptive-optimizers"),
    ("why is adamw better than adam with l2", "weight-decay"),
    ("ridge vs lasso, which one gives sparse weights", "regularized-linear-models"),
    ("what schedule do people use for warmup then decay", "lr-schedules"),
    ("what happens if I clip gradients too aggressively", "early-stopping-clipping"),
    ("why is my training loss higher than validation loss with dropout", "dropout"),
    ("how does mixup change the labels", "advanced-regularization"),
    ("is a sharp minimum bad for generalisation", "loss-landscapes"),
    ("my validation loss is lower than my training loss, is that a bug", "loss-curves"),
    ("what makes a good surrogate loss for accuracy", "loss-functions-purpose"),
    ("what loss should I use for count data like number of clicks", "choosing-a-loss"),
]
HELD_OUT_OFF_TOPIC: list[str] = [
    "what is a vision transformer",
    "how does beam search decode sentences",
    "what is a variational autoencoder",
    "how does dbscan find clusters",
    "what is a hidden markov model",
    "how do I use pandas groupby",
    "how do I bake sourdough bread",
    "how many layers does resnet-50 have",
    "what is q-learning",
    "how do I set up kubernetes for model serving",
    "what is the best pizza topping",
    "how do graph neural networks pass messages",
    "what is federated learning",
    "how does speech recognition work",
    "what is the feed-forward block of a transformer",
]


# On-topic doubts in a learner's everyday words, with as little of the material's vocabulary as
# possible ("mistakes" for residuals, "ravine" for an ill-conditioned valley): written to make the
# relevance floor drop them. The floor and the synonyms were tuned until every one was answered.
PARAPHRASED_ON_TOPIC: list[tuple[str, str]] = [
    (
        "why does my regression obsess over a handful of weird samples once I square the mistakes",
        "mse",
    ),
    ("predicting the middle value instead of the average: which penalty gives me that", "mae"),
    ("a penalty that grows gently for tiny misses and straight-line for huge ones", "huber"),
    (
        "my yes/no classifier is sure of itself and wrong, why is the penalty enormous",
        "binary-cross-entropy",
    ),
    (
        "turning raw scores into probabilities that add up to one and then scoring them",
        "categorical-cross-entropy",
    ),
    (
        "why does the max-margin classifier ignore points that are already far on the right side",
        "hinge-loss",
    ),
    ("only one sample in a thousand is fraud, my model just says no every time", "class-imbalance"),
    ("walking downhill on the error surface, why the opposite of the slope", "gradient-descent"),
    ("my updates bounce from wall to wall of a long narrow ravine", "momentum"),
    ("giving each parameter its own step size based on past squared slopes", "adaptive-optimizers"),
    (
        "shrinking the weights a little every step versus adding a penalty to the objective",
        "weight-decay",
    ),
    (
        "penalising the absolute size of coefficients to pick a few features",
        "regularized-linear-models",
    ),
    ("lowering the step size gradually as training goes on", "lr-schedules"),
    ("halt training when the held-out error stops improving", "early-stopping-clipping"),
    ("randomly zeroing units during training so they cannot co-adapt", "dropout"),
    (
        "softening the one-hot targets so the network is less overconfident",
        "advanced-regularization",
    ),
    (
        "are wide valleys in the error surface better than narrow ones for unseen data",
        "loss-landscapes",
    ),
    ("my error on held-out data climbs while the training error keeps falling", "loss-curves"),
    (
        "why can't we just optimise the number of correct predictions directly",
        "loss-functions-purpose",
    ),
    (
        "my targets are heavy tailed with outliers, which penalty should I train with",
        "choosing-a-loss",
    ),
]
# Written after that tuning and never tuned on: what the floor does to new everyday phrasings.
HELD_OUT_PARAPHRASED: list[tuple[str, str]] = [
    (
        "my house price model freaks out because of three mansions in the data, what penalty would calm it down",
        "huber",
    ),
    (
        "how wrong is it to use the average of the gaps ignoring their sign as the thing to shrink",
        "mae",
    ),
    ("the fitted line chases one crazy point when I square the gaps", "mse"),
    (
        "the model says 0.999 for a cat picture that is actually a dog and the number it reports goes through the roof",
        "binary-cross-entropy",
    ),
    ("every step of my training jumps left then right across a long thin canyon", "momentum"),
    (
        "one knob per weight that shrinks when that weight has seen big updates",
        "adaptive-optimizers",
    ),
    ("pulling every weight toward zero a little on each update", "weight-decay"),
    ("start with a tiny step and grow it for the first few thousand updates", "lr-schedules"),
    ("turning off random parts of the network while it learns", "dropout"),
    ("the curve for the data I held back turns upward after epoch 20", "loss-curves"),
    ("only 1 in 500 of my emails are spam and the classifier never flags any", "class-imbalance"),
    (
        "keeping updates from getting enormous when the slope suddenly spikes",
        "early-stopping-clipping",
    ),
]
PARAPHRASED_RATE = 0.5  # share of the held-out paraphrases that must still be answered


@pytest.fixture(scope="module")
def index(shipped_content: ContentSet) -> AssistIndex:
    return build_index(shipped_content)


def top_topics(index: AssistIndex, question: str) -> list[str]:
    return [hit.passage.topic for hit in index.search(question).answers[:TOP]]


def test_the_table_is_big_enough_and_covers_every_topic(shipped_content: ContentSet) -> None:
    assert len(CASES) >= 40
    missing = set(shipped_content.topics) - {topic for _, topic in CASES}
    assert not missing, f"add learner questions for the new topic(s) {sorted(missing)} to CASES"


def test_top3_hit_rate(index: AssistIndex) -> None:
    misses = [
        f"{question!r}: wanted {topic}, got {top_topics(index, question)}"
        for question, topic in CASES
        if topic not in top_topics(index, question)
    ]
    rate = 1 - len(misses) / len(CASES)
    assert rate >= HIT_RATE, f"hit rate {rate:.0%} < {HIT_RATE:.0%}; misses:\n" + "\n".join(misses)


def answered(index: AssistIndex, question: str) -> bool:
    result = index.search(question)
    return result.covered and not result.empty


def test_the_floor_keeps_every_on_topic_doubt(index: AssistIndex) -> None:
    """Phrased in a learner's own words, each of them is still answered."""
    dropped = [q for q, _ in CASES + HELD_OUT_ON_TOPIC if not answered(index, q)]
    assert not dropped, f"the relevance floor drops on-topic doubts: {dropped}"


def test_the_floor_keeps_doubts_in_everyday_words(index: AssistIndex) -> None:
    dropped = [q for q, _ in PARAPHRASED_ON_TOPIC if not answered(index, q)]
    assert not dropped, f"the relevance floor drops paraphrased doubts: {dropped}"
    held_out = [q for q, _ in HELD_OUT_PARAPHRASED if answered(index, q)]
    assert len(held_out) >= PARAPHRASED_RATE * len(HELD_OUT_PARAPHRASED), held_out


def test_off_topic_doubts_are_not_covered(index: AssistIndex) -> None:
    answered_anyway = [q for q in OFF_TOPIC if answered(index, q)]
    rate = 1 - len(answered_anyway) / len(OFF_TOPIC)
    assert rate >= OFF_TOPIC_RATE, f"{rate:.0%} refused; answered: {answered_anyway}"
    held_out = [q for q in HELD_OUT_OFF_TOPIC if answered(index, q)]
    assert len(held_out) <= len(HELD_OUT_OFF_TOPIC) * (1 - OFF_TOPIC_RATE), held_out


@pytest.mark.parametrize(
    ("question", "nearest"),
    [("what's a transformer", "lr-schedules"), ("best pizza in Rome", None)],
)
def test_the_issues_examples(index: AssistIndex, question: str, nearest: str | None) -> None:
    result = index.search(question)
    assert not result.covered and not result.answers and not result.questions
    assert len(result.nearest) <= 3
    assert (nearest in result.nearest) if nearest else not result.nearest


def test_the_passage_that_answers_comes_first(index: AssistIndex) -> None:
    def first(question: str, k: int) -> list[str]:
        return [f"{h.passage.topic}#{h.passage.anchor}" for h in index.search(question).answers][:k]

    top1 = sum(bool(set(first(q, 1)) & set(a)) for q, a in PASSAGE_CASES) / len(PASSAGE_CASES)
    top3 = sum(bool(set(first(q, TOP)) & set(a)) for q, a in PASSAGE_CASES) / len(PASSAGE_CASES)
    assert top1 >= PASSAGE_TOP1 and top3 >= PASSAGE_TOP3, (top1, top3)
