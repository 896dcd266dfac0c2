"""nncourse: neural networks from scratch, the package behind the book.

Everything the public contract (``CONTRACT.md``) fixes is importable from here::

    import nncourse as nn
    nn.softmax([2.0, 1.0, 0.0])

The numerics live in one flat module per idea (`activations`, `encoding`, `losses`, `gradcheck`,
`init`, `network`, `optim`, `autodiff`, `datasets`), each saying which chapter teaches it; the
argument checks they share are in `nncourse._validation`.
"""

from nncourse.activations import (
    leaky_relu,
    leaky_relu_grad,
    log_softmax,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    step,
    tanh,
    tanh_grad,
)
from nncourse.encoding import one_hot
from nncourse.gradcheck import numerical_gradient
from nncourse.losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    entropy,
    kl_divergence,
    mse,
    mse_grad,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
)
from nncourse.network import MLP
from nncourse.optim import gradient_descent

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
    "entropy",
    "gradient_descent",
    "kl_divergence",
    "leaky_relu",
    "leaky_relu_grad",
    "log_softmax",
    "mse",
    "mse_grad",
    "numerical_gradient",
    "one_hot",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "step",
    "tanh",
    "tanh_grad",
]
