
2
aPlaceholder*
dtype0*
shape
:
.
bPlaceholder*
dtype0*
shape:
6
cPlaceholder*
dtype0*
shape:
;
ShapeNShapeNabc*
N*
T0*
out_type0
:
ShapeN_1ShapeNac*
N*
T0*
out_type0	"ª