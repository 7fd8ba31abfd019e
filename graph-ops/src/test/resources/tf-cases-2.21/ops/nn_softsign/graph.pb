
2
xPlaceholder*
dtype0*
shape
:
 
SoftsignSoftsignx*
T0
5
dy_0Placeholder*
dtype0*
shape
:
K
gradients/grad_ys_0Identitydy_0*
_class
loc:@Softsign*
T0
r
$gradients/Softsign_grad/SoftsignGradSoftsignGradgradients/grad_ys_0x*
_class
loc:@Softsign*
T0"ª