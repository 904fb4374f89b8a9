"""What sits around the flow: a class (``batch``: grade-all, Dask), Gradescope's autograder bundle, nbgrader."""
