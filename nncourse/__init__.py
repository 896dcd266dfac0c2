"""nncourse: neural networks from scratch, the package behind the book.

Everything the public contract fixes is importable from here::

    import nncourse as nn
    nn.softmax([2.0, 1.0, 0.0])
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
    "gradient_descent",
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
