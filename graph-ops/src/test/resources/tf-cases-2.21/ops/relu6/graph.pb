
2
xPlaceholder*
dtype0*
shape
:

Relu6Relu6x*
T0
5
dy_0Placeholder*
dtype0*
shape
:
.
gradients/grad_ys_0Identitydy_0*
T0
P
gradients/Relu6_grad/Relu6Grad	Relu6Gradgradients/grad_ys_0Relu6*
T0"ª