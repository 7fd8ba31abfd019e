
:
xPlaceholder*
dtype0*
shape:
:
dPlaceholder*
dtype0*
shape:
Q
SpaceToDepthSpaceToDepthx*
T0*

block_size*
data_formatNHWC
Q
DepthToSpaceDepthToSpaced*
T0*

block_size*
data_formatNHWC
=
dy_0Placeholder*
dtype0*
shape:
=
dy_1Placeholder*
dtype0*
shape:
.
gradients/grad_ys_0Identitydy_0*
T0
.
gradients/grad_ys_1Identitydy_1*
T0

(gradients/SpaceToDepth_grad/DepthToSpaceDepthToSpacegradients/grad_ys_0*
T0*

block_size*
data_formatNHWC

(gradients/DepthToSpace_grad/SpaceToDepthSpaceToDepthgradients/grad_ys_1*
T0*

block_size*
data_formatNHWC"ª