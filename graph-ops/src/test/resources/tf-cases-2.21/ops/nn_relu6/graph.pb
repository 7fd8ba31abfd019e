
2
xPlaceholder*
dtype0*
shape
:

Relu6Relu6x*
T0
5
dy_0Placeholder*
dtype0*
shape
:
H
gradients/grad_ys_0Identitydy_0*
_class

loc:@Relu6*
T0
j
gradients/Relu6_grad/Relu6Grad	Relu6Gradgradients/grad_ys_0Relu6*
_class

loc:@Relu6*
T0"ª