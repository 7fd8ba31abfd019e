
2
xPlaceholder*
dtype0*
shape
:

SeluSelux*
T0
5
dy_0Placeholder*
dtype0*
shape
:
.
gradients/grad_ys_0Identitydy_0*
T0
L
gradients/Selu_grad/SeluGradSeluGradgradients/grad_ys_0Selu*
T0"ª