"""Product recommendations: a hybrid of co-purchases, content, customers and ratings.

Pure maths over numpy and scipy.sparse (training's loops over every order line compiled
with numba); the service layer maps database rows to :class:`TrainingData` and product ids
to indices.
"""

from .data import Baskets, ItemInfo, TrainingData
from .engine import Reason, Recommender, Suggestion, Weights, tune_weights

__all__ = ["Baskets", "ItemInfo", "Reason", "Recommender", "Suggestion", "TrainingData", "Weights",
           "tune_weights"]
