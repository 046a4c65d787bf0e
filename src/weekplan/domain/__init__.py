"""The pure domain of weekplan: values, invariants and rules, no infrastructure."""
